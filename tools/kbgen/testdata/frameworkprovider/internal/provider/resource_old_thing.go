package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

type oldThingResource struct{ base }

// base provides Metadata through embedding, as some providers share it.
type base struct{}

func (b *base) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_old_thing"
}

func NewOldThingResource() resource.Resource { return &oldThingResource{} }

func (r *oldThingResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		DeprecationMessage: "use fakefw_thing",
		Attributes: map[string]schema.Attribute{
			"path":     schema.StringAttribute{Required: true},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
		Blocks: map[string]schema.Block{"wait": timeouts.BlockAll(ctx)},
	}
}
