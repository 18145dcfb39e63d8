package main

import (
	"context"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// boxResource exercises every way a change can replace an object that a static analysis has to
// reason about: an unconditional force-new attribute (name), an in-place one (size), a conditional
// one whose outcome depends on another planned value (color), force-new and in-place attributes of
// a nested attribute (tags, protocol 6 only) and of a nested block (rule).
type boxResource struct{}

var _ resource.Resource = (*boxResource)(nil)

func newBoxResource() resource.Resource { return &boxResource{} }

// colorReplaceAboveSize: above this planned size, a changed color replaces the box.
var colorReplaceAboveSize = big.NewFloat(10)

type boxModel struct {
	ID    types.String `tfsdk:"id"`
	Name  types.String `tfsdk:"name"`
	Size  types.Number `tfsdk:"size"`
	Color types.String `tfsdk:"color"`
	Tags  types.Object `tfsdk:"tags"`
	Rule  types.List   `tfsdk:"rule"`
}

func (r *boxResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_box"
}

func (r *boxResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An object kept only in Terraform state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"size": schema.NumberAttribute{
				Optional: true,
			},
			"color": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString("blue"),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(
					colorReplacedWhenLarge,
					"Changing color replaces the box when the planned size is greater than 10.",
					"Changing `color` replaces the box when the planned `size` is greater than 10.",
				)},
			},
			"tags": schema.SingleNestedAttribute{
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"owner": schema.StringAttribute{
						Optional:      true,
						PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
					},
					"note": schema.StringAttribute{
						Optional: true,
					},
				},
			},
		},
		Blocks: map[string]schema.Block{
			"rule": schema.ListNestedBlock{
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"port": schema.NumberAttribute{
							Required:      true,
							PlanModifiers: []planmodifier.Number{numberplanmodifier.RequiresReplace()},
						},
						"description": schema.StringAttribute{
							Optional: true,
						},
					},
				},
			},
		},
	}
}

// colorReplacedWhenLarge asks for replacement when the planned size is known and greater than 10.
// (RequiresReplaceIf calls it only when color itself changes on an existing box.)
func colorReplacedWhenLarge(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	var size types.Number
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("size"), &size)...)
	if resp.Diagnostics.HasError() || size.IsNull() || size.IsUnknown() {
		return
	}
	resp.RequiresReplace = size.ValueBigFloat().Cmp(colorReplaceAboveSize) > 0
}

func (r *boxResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan boxModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = types.StringValue(newID("box"))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read keeps the state as it is: there is nothing outside it that could have drifted.
func (r *boxResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state boxModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *boxResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state boxModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = state.ID
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete has nothing to remove; the framework drops the state when no error is returned.
func (r *boxResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
