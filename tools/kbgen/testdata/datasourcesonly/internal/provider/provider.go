// Test input for kbgen: a plugin-framework provider of data sources only (as hashicorp http and
// external are): its Resources method returns nil.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

type fakeDataProvider struct{}

func (p *fakeDataProvider) Metadata(ctx context.Context, req provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "fakedata"
}

func (p *fakeDataProvider) Resources(ctx context.Context) []func() resource.Resource {
	return nil
}

func (p *fakeDataProvider) DataSources(ctx context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{}
}
