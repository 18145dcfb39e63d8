package provider

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"

	"example.com/terraform-provider-fakesdk/internal/registry"
)

func init() {
	registry.Entry{Name: "fakesdk_registered", Schema: resourceRegistered()}.Register()
}

func resourceRegistered() *schema.Resource {
	return &schema.Resource{
		Schema: map[string]*schema.Schema{
			"topic": {Type: schema.TypeString, Required: true, ForceNew: true},
		},
	}
}
