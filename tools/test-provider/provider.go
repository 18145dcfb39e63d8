package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// immutableTestProvider has a configuration schema (so a provider block is accepted) but no
// configuration to act on: its resources touch nothing outside Terraform state.
type immutableTestProvider struct {
	version string
}

var _ provider.Provider = (*immutableTestProvider)(nil)

func newProvider(version string) provider.Provider {
	return &immutableTestProvider{version: version}
}

func (p *immutableTestProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "immutabletest"
	resp.Version = p.version
}

func (p *immutableTestProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Resources kept only in Terraform state, for testing plugin-protocol 6 clients.",
		Attributes: map[string]schema.Attribute{
			"label": schema.StringAttribute{
				Optional:    true,
				Description: "Accepted and ignored.",
			},
		},
	}
}

// Configure accepts any configuration, except in the build made with configurationRequired set
// ("true"): that one refuses a configuration without a label, as a provider that cannot plan
// unconfigured does (a cloud provider without its account), for the clients that must say so.
func (p *immutableTestProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	if configurationRequired != "true" {
		return
	}
	var label types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("label"), &label)...)
	if !resp.Diagnostics.HasError() && label.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("label"), "Missing label", "This build of the provider needs label set in its provider block to plan.")
	}
}

func (p *immutableTestProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newBoxResource, newFaultResource}
}

func (p *immutableTestProvider) DataSources(context.Context) []func() datasource.DataSource {
	return nil
}
