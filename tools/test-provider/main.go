// Command terraform-provider-immutabletest is a small Terraform provider that serves plugin protocol 6
// only. The end-to-end tests of the plugin-protocol client run it as a real protocol-6 server: its
// resources keep their data in Terraform state alone, and one of them can be told to crash or hang
// while planning, so the client's handling of a provider that dies or never answers is tested too.
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// version is set at build time (-ldflags "-X main.version=…"); "dev" marks a build without it.
var version = "dev"

// configurationRequired is set at build time too ("true"): the build whose Configure refuses a
// provider block without a label (see provider.go).
var configurationRequired = "false"

// address is the provider's registry address; go-plugin names it in debug reattach output only.
const address = "registry.opentofu.org/immutable-infra/immutabletest"

func main() {
	// Served through tf6server directly (not providerserver.Serve) so nothing can fall back to protocol 5.
	server, err := providerserver.NewProtocol6WithError(newProvider(version))()
	if err == nil {
		err = tf6server.Serve(address, func() tfprotov6.ProviderServer { return server })
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "terraform-provider-immutabletest:", err)
		os.Exit(1)
	}
}
