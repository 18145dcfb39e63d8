package provider

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
)

const isUpdatable = false

// A package-level schema shared by several resources.
var zoneSchema = &schema.Schema{
	Type:     schema.TypeString,
	Optional: true,
	Computed: true,
	ForceNew: true,
}

func nameSchema() *schema.Schema {
	return &schema.Schema{Type: schema.TypeString, Required: true, ForceNew: true}
}

func tagsSchema(forceNew bool) *schema.Schema {
	return &schema.Schema{
		Type:     schema.TypeMap,
		Optional: true,
		Elem:     &schema.Schema{Type: schema.TypeString},
		ForceNew: forceNew,
	}
}

func sizeSchema(updatable bool) *schema.Schema {
	return &schema.Schema{Type: schema.TypeInt, Optional: true, ForceNew: !updatable}
}

func networkResource() *schema.Resource {
	return &schema.Resource{
		Schema: map[string]*schema.Schema{
			"subnet": {Type: schema.TypeString, Required: true, ForceNew: true},
			"mtu":    {Type: schema.TypeInt, Optional: true, Default: 1500},
		},
	}
}
