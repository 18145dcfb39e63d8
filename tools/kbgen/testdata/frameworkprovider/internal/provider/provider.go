// Test input for kbgen: a fake plugin-framework provider exercising the constructs the generator must read.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

type fakeProvider struct{}

func (p *fakeProvider) Metadata(ctx context.Context, req provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "fakefw"
}

func (p *fakeProvider) Resources(ctx context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewThingResource,
		NewOldThingResource,
	}
}
