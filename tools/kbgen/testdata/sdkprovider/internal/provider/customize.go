package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
)

// Helpers of the provider's own, as azurerm's pluginsdk has them: one function literal shared
// by every use, each use with its own key and condition.
func forceNewIfChange(key string, f func(old, new any) bool) schema.CustomizeDiffFunc {
	return func(ctx context.Context, d *schema.ResourceDiff, meta any) error {
		old, new := d.GetChange(key)
		if f(old, new) {
			return d.ForceNew(key)
		}
		return nil
	}
}

func forceNewIf(key string, f func(d *schema.ResourceDiff) bool) schema.CustomizeDiffFunc {
	return func(ctx context.Context, d *schema.ResourceDiff, meta any) error {
		if f(d) {
			return d.ForceNew(key)
		}
		return nil
	}
}

func all(funcs ...schema.CustomizeDiffFunc) schema.CustomizeDiffFunc {
	return func(ctx context.Context, d *schema.ResourceDiff, meta any) error {
		for _, f := range funcs {
			if err := f(ctx, d, meta); err != nil {
				return err
			}
		}
		return nil
	}
}
