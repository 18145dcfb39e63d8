package main

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/plugin"

	"example.com/terraform-provider-fakesdk/internal/provider"
)

func main() {
	plugin.Serve(&plugin.ServeOpts{ProviderFunc: provider.Provider})
}
