package modifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// ReplaceUnlessNull replaces on a change unless the new value is null.
func ReplaceUnlessNull() planmodifier.Map { return replaceUnlessNull{} }

type replaceUnlessNull struct{}

func (m replaceUnlessNull) Description(ctx context.Context) string {
	return "Replaces unless the new value is null."
}

func (m replaceUnlessNull) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m replaceUnlessNull) PlanModifyMap(ctx context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	if req.PlanValue.IsNull() {
		return
	}
	mark(resp)
}

func mark(resp *planmodifier.MapResponse) { resp.RequiresReplace = true }

// KeepLower only rewrites the planned value.
type KeepLower struct{}

func (m KeepLower) Description(ctx context.Context) string         { return "Keeps the value in lower case." }
func (m KeepLower) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }
func (m KeepLower) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	resp.RequiresReplace = false
}
