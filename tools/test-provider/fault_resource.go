package main

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// faultResource misbehaves on request while planning, so a client's handling of a provider that
// dies in the middle of a call ("crash") or never answers one ("hang") can be tested against a real
// server. Any other mode plans and applies normally.
type faultResource struct{}

var (
	_ resource.Resource               = (*faultResource)(nil)
	_ resource.ResourceWithModifyPlan = (*faultResource)(nil)
)

func newFaultResource() resource.Resource { return &faultResource{} }

// crashExitCode is what the provider process exits with in "crash" mode.
const crashExitCode = 3

type faultModel struct {
	ID   types.String `tfsdk:"id"`
	Mode types.String `tfsdk:"mode"`
}

func (r *faultResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_fault"
}

func (r *faultResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: `Plans normally unless the planned mode is "crash" (the provider exits) or "hang" (the call never returns).`,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"mode": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString("ok"),
			},
		},
	}
}

func (r *faultResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() { // destroying: always allowed, so a faulty object can be removed
		return
	}
	var mode types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("mode"), &mode)...)
	if resp.Diagnostics.HasError() {
		return
	}
	switch mode.ValueString() {
	case "crash":
		// go-plugin points os.Stderr at a pipe it forwards to the client asynchronously, which the exit
		// would cut short; file descriptor 2 is still the process's own stderr, which the client reads.
		fmt.Fprintf(os.NewFile(2, "stderr"), "immutabletest_fault: mode is \"crash\": exiting with status %d while planning\n", crashExitCode)
		os.Exit(crashExitCode)
	case "hang":
		// Deliberately ignores ctx: the point is a provider that never answers, even when asked to stop.
		select {}
	}
}

func (r *faultResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan faultModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = types.StringValue(newID("fault"))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read keeps the state as it is: there is nothing outside it that could have drifted.
func (r *faultResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state faultModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *faultResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state faultModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = state.ID
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete has nothing to remove; the framework drops the state when no error is returned.
func (r *faultResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
