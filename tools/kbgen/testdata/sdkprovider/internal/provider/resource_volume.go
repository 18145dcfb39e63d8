package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"

	"example.com/external/extnames"
	"example.com/terraform-provider-fakesdk/internal/names"
)

// A package-level schema map, returned by a SchemaFunc.
var volumeSchema = map[string]*schema.Schema{
	"size":                {Type: schema.TypeInt, Required: true, ForceNew: true},
	names.AttrTags:        tagsSchema(false),
	extnames.AttrKMSKeyID: {Type: schema.TypeString, Optional: true, ForceNew: true},
	"snapshot":            thirdPartySchema(),
	"iops":                {Type: schema.TypeInt, Optional: true},
	"zone":                {Type: schema.TypeString, Optional: true, Computed: true, ForceNew: true},
}

func thirdPartySchema() *schema.Schema {
	return extnames.Schema()
}

func resourceVolume() *schema.Resource {
	return &schema.Resource{
		SchemaFunc: func() map[string]*schema.Schema { return volumeSchema },
		CustomizeDiff: all(
			forceNewIfChange("size", func(old, new any) bool { return new.(int) < old.(int) }),
			forceNewIfChange(names.AttrTags, func(old, new any) bool { return old != nil && new == nil }),
			forceNewIf("iops", func(d *schema.ResourceDiff) bool {
				if d == nil {
					return false
				}
				if d.Get("size").(int) > 100 {
					return true
				}
				return false
			}),
			defaultProviderZone,
		),
	}
}

func resourceLegacy() *schema.Resource {
	return &schema.Resource{
		DeprecationMessage: "use fakesdk_volume",
		Schema: map[string]*schema.Schema{
			"path": {Type: schema.TypeString, Required: true, ForceNew: true},
		},
	}
}

func resourceLate() *schema.Resource {
	r := &schema.Resource{Schema: map[string]*schema.Schema{}}
	r.Schema["label"] = &schema.Schema{Type: schema.TypeString, Optional: true, ForceNew: true}
	return r
}

// Fills an unset zone from the provider configuration, as google's DefaultProviderZone does.
func defaultProviderZone(ctx context.Context, d *schema.ResourceDiff, meta any) error {
	if d.Get("zone").(string) == "" {
		return d.SetNew("zone", meta.(string))
	}
	return nil
}
