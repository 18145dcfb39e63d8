package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
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

func (p *immutableTestProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *immutableTestProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newBoxResource, newFaultResource}
}

func (p *immutableTestProvider) DataSources(context.Context) []func() datasource.DataSource {
	return nil
}
