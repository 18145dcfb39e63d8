package provider

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/customdiff"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"

	"example.com/terraform-provider-fakesdk/internal/names"
)

func resourceServer() *schema.Resource {
	s := map[string]*schema.Schema{
		names.AttrName:             nameSchema(),
		names.AttrAvailabilityZone: zoneSchema,
		"image":                    {Type: schema.TypeString, Optional: true},
		"flavor":                   {Type: schema.TypeString, Required: true, ForceNew: !isUpdatable},
		"size":                     sizeSchema(true),
		"disk_size":                sizeSchema(false),
		"description":              {Type: schema.TypeString, Optional: true, ForceNew: os.Getenv("FAKE_LOCK") == ""},
		"tier":                     {Type: schema.TypeString, Optional: true},
		"labels":                   tagsSchema(true),
		names.AttrTags:             tagsSchema(false),
		"cidrs": {
			Type:     schema.TypeList,
			Optional: true,
			ForceNew: true,
			Elem:     &schema.Schema{Type: schema.TypeString},
		},
		"disk": {
			Type:     schema.TypeList,
			Optional: true,
			ForceNew: true,
			MaxItems: 1,
			Elem: &schema.Resource{
				Schema: map[string]*schema.Schema{
					"encrypted":   {Type: schema.TypeBool, Optional: true, ForceNew: true},
					"volume_type": {Type: schema.TypeString, Optional: true},
				},
			},
		},
		"network": {Type: schema.TypeSet, Required: true, Elem: networkResource()},
		"addresses": {
			Type:     schema.TypeList,
			Computed: true,
			Elem: &schema.Resource{
				Schema: map[string]*schema.Schema{"ip": {Type: schema.TypeString, Computed: true}},
			},
		},
		"rule": {
			Type:       schema.TypeList,
			Optional:   true,
			ConfigMode: schema.SchemaConfigModeAttr,
			Elem: &schema.Resource{
				Schema: map[string]*schema.Schema{"port": {Type: schema.TypeInt, Optional: true, ForceNew: true}},
			},
		},
		names.AttrUserData:            {Type: schema.TypeString, Optional: true},
		"user_data_replace_on_change": {Type: schema.TypeBool, Optional: true, Default: false},
		"old_name":                    {Type: schema.TypeString, Optional: true, ForceNew: true, Deprecated: "use name"},
		"mode":                        {Type: schema.TypeString, Optional: true, ForceNew: true, Default: "fast"},
		"removed":                     {Type: schema.TypeString, Optional: true},
		"kind":                        {Type: schema.TypeString, Optional: true},
	}
	// Mutations after the literal, as providers write them.
	s["image"].ForceNew = true
	if os.Getenv("FAKE_STRICT") != "" {
		s["tier"].ForceNew = true
	}
	delete(s, "removed")

	return &schema.Resource{
		Schema: s,
		Timeouts: &schema.ResourceTimeout{
			Create: schema.DefaultTimeout(10 * time.Minute),
			Delete: schema.DefaultTimeout(5 * time.Minute),
		},
		CustomizeDiff: customdiff.All(
			customdiff.ForceNewIfChange("size", func(ctx context.Context, old, new, meta any) bool {
				return new.(int) < old.(int)
			}),
			customdiff.ForceNewIf("kind", func(ctx context.Context, d *schema.ResourceDiff, meta any) bool {
				return d.Get("kind").(string) == "dedicated"
			}),
			resourceServerCustomizeDiff,
		),
	}
}

func resourceServerCustomizeDiff(ctx context.Context, d *schema.ResourceDiff, meta any) error {
	if d.HasChange(names.AttrUserData) && d.Get("user_data_replace_on_change").(bool) {
		return d.ForceNew(names.AttrUserData)
	}
	key := fmt.Sprintf("disk.%d.volume_type", 0)
	if d.HasChange(key) {
		if err := d.ForceNew(key); err != nil {
			return err
		}
	}
	return forceNewDynamic(d)
}

func forceNewDynamic(d *schema.ResourceDiff) error {
	return d.ForceNew(d.Get("dynamic_key").(string))
}
