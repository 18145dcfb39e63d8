// Test input for kbgen: a fake SDKv2 provider exercising the constructs the generator must read.
package provider

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"

	"example.com/external/thirdparty"
	"example.com/terraform-provider-fakesdk/internal/registry"
)

func Provider() *schema.Provider {
	p := &schema.Provider{
		ResourcesMap: map[string]*schema.Resource{
			"fakesdk_server":   resourceServer(),
			"fakesdk_instance": resourceServer(),
			"fakesdk_volume":   resourceVolume(),
			"fakesdk_legacy":   resourceLegacy(),
			"fakesdk_broken":   brokenResource(),
			"fakesdk_external": thirdparty.Resource(),
		},
	}
	p.ResourcesMap["fakesdk_late"] = resourceLate()
	for name, r := range registry.ResourceMap() {
		p.ResourcesMap[name] = r
	}
	return p
}
