// Command coredns is a CoreDNS build with only the plugins the NetLens test
// cluster uses: bind, ready, health, errors, log and kubernetes.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

// directives is the plugin chain order; it must keep the relative order of
// CoreDNS's generated core/dnsserver/zdirectives.go.
var directives = []string{
	"bind",
	"ready",
	"health",
	"errors",
	"log",
	"kubernetes",
}

func init() {
	dnsserver.Directives = directives
}

func main() {
	coremain.Run()
}
