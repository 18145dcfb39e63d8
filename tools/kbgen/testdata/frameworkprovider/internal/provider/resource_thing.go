package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"example.com/terraform-provider-fakefw/internal/modifiers"
)

var (
	_ resource.Resource               = (*thingResource)(nil)
	_ resource.ResourceWithModifyPlan = (*thingResource)(nil)
)

type thingResource struct{}

func NewThingResource() resource.Resource { return &thingResource{} }

func (r *thingResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}

func (r *thingResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = thingSchema()
}

type Curve string

const P256 Curve = "P256"

func (c Curve) String() string { return string(c) }

func thingSchema() schema.Schema {
	return schema.Schema{
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"zone": schema.StringAttribute{
				Optional: true,
				Computed: true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.RequiresReplaceIfConfigured(),
					stringplanmodifier.UseStateForUnknown(),
				},
			},
			"size": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				Default:  int64default.StaticInt64(10),
				PlanModifiers: []planmodifier.Int64{
					int64planmodifier.RequiresReplaceIf(shrinks, "the size shrinks", "the size shrinks"),
				},
			},
			"curve": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(P256.String()),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"labels": schema.MapAttribute{
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{modifiers.ReplaceUnlessNull()},
			},
			"note": schema.StringAttribute{
				Optional:      true,
				PlanModifiers: []planmodifier.String{modifiers.KeepLower{}},
			},
			"id": schema.StringAttribute{
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"old":   schema.StringAttribute{Optional: true, DeprecationMessage: "gone"},
			"ports": schema.ListAttribute{ElementType: types.Int64Type, Optional: true},
			"pairs": schema.MapAttribute{ElementType: types.ListType{ElemType: types.StringType}, Optional: true},
			"settings": schema.SingleNestedAttribute{
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"mode": schema.StringAttribute{
						Optional:      true,
						PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
					},
				},
			},
			"tier":   schema.StringAttribute{Optional: true},
			"level":  schema.Int64Attribute{Optional: true},
			"secret": schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true},
		},
		Blocks: map[string]schema.Block{
			"subject": schema.ListNestedBlock{
				Validators:    []validator.List{listvalidator.SizeBetween(0, 1)},
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"cn": schema.StringAttribute{Optional: true},
					},
				},
			},
		},
	}
}

func shrinks(ctx context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = req.PlanValue.ValueInt64() < req.StateValue.ValueInt64()
}

var tierPath = path.Root("tier")

func (r *thingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var level types.Int64
	levelPath := path.Root("level")
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, levelPath, &level)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if level.ValueInt64() > 3 {
		resp.RequiresReplace = append(resp.RequiresReplace, tierPath)
	}
}
