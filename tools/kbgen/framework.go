package main

// Plugin-framework schemas (terraform-plugin-framework resource/schema) → knowledge. Plan
// modifiers are recognised by the identity of the function that made them (import path + name),
// never by their text: RequiresReplace → always, RequiresReplaceIfConfigured → if-configured,
// RequiresReplaceIf → conditional with its description. A modifier declared in the provider is
// read: if no code path of it sets RequiresReplace it does not replace; if one does, it is
// conditional with its Description.

import (
	"go/ast"
	"sort"
	"strings"
)

var frameworkPrimitiveTypes = map[string]string{
	"StringAttribute": "string", "BoolAttribute": "bool", "Int64Attribute": "number", "Int32Attribute": "number",
	"Float64Attribute": "number", "Float32Attribute": "number", "NumberAttribute": "number", "DynamicAttribute": "dynamic",
}

var frameworkCollections = map[string]string{"ListAttribute": "list", "SetAttribute": "set", "MapAttribute": "map"}

var frameworkNested = map[string]string{"ListNestedAttribute": "list", "SetNestedAttribute": "set", "MapNestedAttribute": "map", "SingleNestedAttribute": "single"}

var frameworkBlocks = map[string]string{"ListNestedBlock": "list", "SetNestedBlock": "set", "SingleNestedBlock": "single"}

func (x *extractor) frameworkResource(s *Object) (*Resource, error) {
	r := &Resource{}
	attrs, _ := settled(s.Fields["Attributes"]).(*Map)
	if attrs == nil {
		attrs = newMap()
		if v, ok := s.Fields["Attributes"]; ok && !isNilValue(settled(v)) {
			x.unreadAt("", "attributes: "+whyUnknown(v))
		}
	}
	r.Attributes = x.frameworkAttributes(attrs, "")
	if blocks, ok := settled(s.Fields["Blocks"]).(*Map); ok {
		r.Blocks = x.frameworkBlocks(blocks, "")
	}
	if msg, ok := constString(s.Fields["DeprecationMessage"]); ok && msg != "" {
		r.Deprecated = true
	}
	return r, nil
}

func sortedKeys(m *Map) []string {
	keys := append([]string{}, m.Keys...)
	sort.Strings(keys)
	return keys
}

func (x *extractor) frameworkAttributes(m *Map, prefix string) map[string]*Attribute {
	out := map[string]*Attribute{}
	for _, why := range m.Unread {
		x.unreadAt(prefix, why)
	}
	for _, name := range sortedKeys(m) {
		path := joinPath(prefix, name)
		if attrs, ok := frameworkTimeouts(m.Vals[name], "Attributes"); ok {
			out[name] = &Attribute{Replace: "never", Optional: true, Nesting: "single", Source: "timeouts." + timeoutsCall(m.Vals[name]), Attributes: attrs}
			continue
		}
		o, ok := settled(m.Vals[name]).(*Object)
		if !ok || !o.T.isFrameworkSchema() || !strings.HasSuffix(o.T.Name, "Attribute") {
			x.unreadAt(path, whyUnknown(m.Vals[name]))
			continue
		}
		out[name] = x.frameworkAttribute(o, path)
	}
	return out
}

func (x *extractor) frameworkBlocks(m *Map, prefix string) map[string]*Block {
	out := map[string]*Block{}
	for _, why := range m.Unread {
		x.unreadAt(prefix, why)
	}
	for _, name := range sortedKeys(m) {
		path := joinPath(prefix, name)
		if attrs, ok := frameworkTimeouts(m.Vals[name], "Block"); ok {
			out[name] = &Block{Nesting: "single", Replace: "never", Source: "timeouts." + timeoutsCall(m.Vals[name]), Attributes: attrs}
			continue
		}
		o, ok := settled(m.Vals[name]).(*Object)
		if !ok || !o.T.isFrameworkSchema() || frameworkBlocks[o.T.Name] == "" {
			x.unreadAt(path, whyUnknown(m.Vals[name]))
			continue
		}
		out[name] = x.frameworkBlock(o, path)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (x *extractor) frameworkAttribute(o *Object, path string) *Attribute {
	a := &Attribute{
		Required:  x.flag(o, "Required"),
		Optional:  x.flag(o, "Optional"),
		Computed:  x.flag(o, "Computed"),
		Sensitive: x.flag(o, "Sensitive"),
		WriteOnly: x.flag(o, "WriteOnly"),
	}
	if msg, ok := constString(o.Fields["DeprecationMessage"]); ok && msg != "" {
		a.Deprecated = true
	}
	kind := o.T.Name
	switch {
	case frameworkPrimitiveTypes[kind] != "":
		a.Type = frameworkPrimitiveTypes[kind]
	case frameworkCollections[kind] != "":
		if elem := frameworkTypeString(o.Fields["ElementType"], 0); elem != "" {
			a.Type = frameworkCollections[kind] + "(" + elem + ")"
		}
	case kind == "ObjectAttribute":
		a.Type = frameworkObjectType(o.Fields["AttributeTypes"], 0)
	case frameworkNested[kind] != "":
		a.Nesting = frameworkNested[kind]
		var inner *Map
		if a.Nesting == "single" {
			inner, _ = settled(o.Fields["Attributes"]).(*Map)
		} else if no, ok := settled(o.Fields["NestedObject"]).(*Object); ok {
			inner, _ = settled(no.Fields["Attributes"]).(*Map)
		}
		switch {
		case inner != nil:
			a.Attributes = x.frameworkAttributes(inner, path)
		case o.Fields["NestedObject"] == nil && o.Fields["Attributes"] == nil:
			a.Attributes = map[string]*Attribute{} // an object without attributes
		default:
			x.unreadAt(path, "nested attributes: "+whyUnknown(o.Fields["NestedObject"]))
		}
	}
	mods := x.planModifiers(o.Fields["PlanModifiers"])
	a.Replace, a.Condition = mods.rule, mods.condition
	a.UseStateForUnknown = mods.useStateForUnknown
	source := mods.source()
	if len(mods.texts) == 0 && a.Computed && !a.Optional && !a.Required {
		source = "Computed, no plan modifier"
	}
	if d, ok := o.Fields["Default"]; ok && !isNilValue(settled(d)) {
		text := fieldText(o, "Default")
		if call, ok := settled(d).(ExtCall); ok && isFrameworkDefaultPackage(call.Fn.Path) && strings.HasPrefix(call.Fn.Name, "Static") && len(call.Args) == 1 {
			if j, ok := jsonValue(call.Args[0]); ok {
				a.Default = j
			}
		}
		if a.Default == nil && a.Replace != "never" {
			a.Note = "Its Default (" + text + ") could not be evaluated: removing the argument plans that default."
		}
		source += "; Default: " + text
	}
	a.Source = source
	return a
}

func (x *extractor) frameworkBlock(o *Object, path string) *Block {
	b := &Block{Nesting: frameworkBlocks[o.T.Name]}
	var inner *Object = o
	if b.Nesting != "single" {
		inner, _ = settled(o.Fields["NestedObject"]).(*Object)
	}
	b.Attributes = map[string]*Attribute{}
	if inner != nil {
		if attrs, ok := settled(inner.Fields["Attributes"]).(*Map); ok {
			b.Attributes = x.frameworkAttributes(attrs, path)
		}
		if blocks, ok := settled(inner.Fields["Blocks"]).(*Map); ok {
			b.Blocks = x.frameworkBlocks(blocks, path)
		}
	} else if o.Fields["NestedObject"] != nil {
		x.unreadAt(path, "nested object: "+whyUnknown(o.Fields["NestedObject"]))
	}
	if msg, ok := constString(o.Fields["DeprecationMessage"]); ok && msg != "" {
		b.Deprecated = true
	}
	mods := x.planModifiers(o.Fields["PlanModifiers"])
	b.Replace, b.Condition = mods.rule, mods.condition
	detail := o.T.Name
	if vs, ok := settled(o.Fields["Validators"]).(*Slice); ok {
		for i, v := range vs.Items {
			call, ok := settled(v).(ExtCall)
			if !ok || !isValidatorPackage(call.Fn.Path) {
				continue
			}
			lo, hi := -1, -1
			switch call.Fn.Name {
			case "SizeBetween":
				if len(call.Args) == 2 {
					l, ok1 := constInt(call.Args[0])
					h, ok2 := constInt(call.Args[1])
					if ok1 && ok2 {
						lo, hi = int(l), int(h)
					}
				}
			case "SizeAtMost":
				if len(call.Args) == 1 {
					if h, ok := constInt(call.Args[0]); ok {
						hi = int(h)
					}
				}
			case "SizeAtLeast":
				if len(call.Args) == 1 {
					if l, ok := constInt(call.Args[0]); ok {
						lo = int(l)
					}
				}
			case "IsRequired":
				lo = 1
			default:
				continue
			}
			if lo >= 0 {
				b.MinItems = intPtr(lo)
			}
			if hi >= 0 {
				b.MaxItems = intPtr(hi)
			}
			if vs.Srcs[i].Expr != nil {
				detail += "; " + oneLine(vs.Srcs[i].Expr, 100)
			}
		}
	}
	b.Source = mods.source() + " (" + detail + ")"
	return b
}

const frameworkTimeoutsPackage = "github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"

// frameworkTimeouts reads terraform-plugin-framework-timeouts' Block/BlockAll (kind "Block") or
// Attributes/AttributesAll (kind "Attributes"): optional duration strings that update in place.
func frameworkTimeouts(v Value, kind string) (map[string]*Attribute, bool) {
	c, ok := settled(v).(ExtCall)
	if !ok || c.Fn.Path != frameworkTimeoutsPackage || (c.Fn.Name != kind && c.Fn.Name != kind+"All") {
		return nil, false
	}
	names := []string{"Create", "Read", "Update", "Delete"}
	if c.Fn.Name == kind && len(c.Args) > 1 {
		opts, _ := settled(c.Args[1]).(*Object)
		var chosen []string
		for _, n := range names {
			if opts != nil {
				if b, _ := constBool(opts.Fields[n]); b {
					chosen = append(chosen, n)
				}
			}
		}
		names = chosen
	}
	attrs := map[string]*Attribute{}
	for _, n := range names {
		attrs[strings.ToLower(n)] = &Attribute{Replace: "never", Optional: true, Type: "string", Source: "timeouts"}
	}
	return attrs, true
}

func timeoutsCall(v Value) string {
	c, _ := settled(v).(ExtCall)
	return c.Fn.Name + "(…)"
}

// frameworkTypeString renders an attr.Type value (types.StringType, types.ListType{ElemType: …}).
func frameworkTypeString(v Value, depth int) string {
	if depth > 10 {
		return ""
	}
	switch t := settled(v).(type) {
	case ExtRef:
		if isFrameworkTypesPackage(t.Path) {
			return map[string]string{"StringType": "string", "BoolType": "bool", "Int64Type": "number", "Int32Type": "number", "Float64Type": "number", "Float32Type": "number", "NumberType": "number", "DynamicType": "dynamic"}[t.Name]
		}
	case *Object:
		if isFrameworkTypesPackage(t.T.Path) {
			switch t.T.Name {
			case "ListType", "SetType", "MapType":
				if e := frameworkTypeString(t.Fields["ElemType"], depth+1); e != "" {
					return strings.ToLower(strings.TrimSuffix(t.T.Name, "Type")) + "(" + e + ")"
				}
			case "ObjectType":
				return frameworkObjectType(t.Fields["AttrTypes"], depth+1)
			case "StringType", "BoolType", "Int64Type", "Int32Type", "Float64Type", "Float32Type", "NumberType", "DynamicType":
				return frameworkTypeString(ExtRef{Path: t.T.Path, Name: t.T.Name}, depth+1)
			}
		}
	}
	return ""
}

func frameworkObjectType(v Value, depth int) string {
	m, ok := settled(v).(*Map)
	if !ok {
		return ""
	}
	parts := []string{}
	for _, k := range sortedKeys(m) {
		t := frameworkTypeString(m.Vals[k], depth+1)
		if t == "" {
			return ""
		}
		parts = append(parts, k+"="+t)
	}
	return "object({" + strings.Join(parts, ",") + "})"
}

// modifiers is what a PlanModifiers list amounts to.
type modifiers struct {
	rule               string
	condition          string
	useStateForUnknown bool
	texts              []string
}

func (m modifiers) source() string {
	if len(m.texts) == 0 {
		return "no plan modifier"
	}
	return strings.Join(m.texts, ", ")
}

var ruleStrength = map[string]int{"never": 0, "conditional": 1, "if-configured": 2, "always": 3}

func (x *extractor) planModifiers(v Value) modifiers {
	out := modifiers{rule: "never"}
	s, ok := settled(v).(*Slice)
	if !ok {
		if v != nil && !isNilValue(settled(v)) {
			out.rule, out.condition = "conditional", "the generator could not read the plan modifiers ("+whyUnknown(v)+")"
			out.texts = append(out.texts, "plan modifiers not read")
		}
		return out
	}
	for i, item := range s.Items {
		var src srcRef
		if i < len(s.Srcs) {
			src = s.Srcs[i]
		}
		m := x.classifyModifier(item, src)
		if m.text == "" {
			// A modifier passed through a helper's variadic parameter has no expression of its own
			// here; its value still says what it is.
			m.text = "a plan modifier (" + describeValue(item) + ")"
		}
		out.texts = append(out.texts, m.text)
		if m.rule == "usestate" {
			out.useStateForUnknown = true
			continue
		}
		if ruleStrength[m.rule] > ruleStrength[out.rule] {
			out.rule, out.condition = m.rule, m.condition
		} else if m.rule == "conditional" && out.rule == "conditional" && m.condition != out.condition {
			out.condition += "; or " + m.condition
		}
	}
	return out
}

type modifier struct {
	rule      string // never, always, if-configured, conditional, usestate
	condition string
	text      string
}

func (x *extractor) classifyModifier(v Value, src srcRef) modifier {
	written := ""
	var writtenCall *ast.CallExpr
	if src.Expr != nil {
		written = oneLine(src.Expr, 200)
		writtenCall, _ = src.Expr.(*ast.CallExpr)
	}
	switch m := settled(v).(type) {
	case ExtCall:
		if isFrameworkPlanModifierPackage(m.Fn.Path) {
			short := shortPath(m.Fn.Path) + "." + m.Fn.Name
			direct := writtenCall != nil && m.Call == writtenCall
			text := written
			if !direct {
				text = strings.TrimSpace(written + " (" + short + ")")
			}
			switch m.Fn.Name {
			case "RequiresReplace":
				return modifier{rule: "always", text: text}
			case "RequiresReplaceIfConfigured":
				return modifier{rule: "if-configured", text: text}
			case "UseStateForUnknown":
				return modifier{rule: "usestate", text: text}
			case "RequiresReplaceIf":
				fn := "its function"
				switch {
				case !direct && written != "":
					fn = written
				case len(m.Exprs) > 0:
					if _, lit := m.Exprs[0].(*ast.FuncLit); !lit {
						fn = oneLine(m.Exprs[0], 80)
					}
				}
				if direct && len(m.Exprs) > 0 {
					text = short + "(" + oneLine(m.Exprs[0], 80) + ", …)"
				}
				cond := fn + " decides"
				if len(m.Args) > 1 {
					if d, ok := constString(m.Args[1]); ok && d != "" {
						cond += " (described as: " + strings.TrimSpace(d) + ")"
					}
				}
				return modifier{rule: "conditional", condition: cond, text: text}
			}
			return modifier{rule: "never", text: text}
		}
		if strings.Contains(m.Fn.Name, "Replace") || strings.Contains(m.Method, "Replace") {
			return modifier{rule: "conditional", condition: "the plan modifier " + written + " (not read: outside the source) decides", text: written}
		}
		return modifier{rule: "never", text: written}
	case *Object:
		if m.T.Path != "" && x.p.pkg(m.T.Path) != nil {
			return x.customModifier(m, written)
		}
	case *Func:
		// A function value used as a modifier is a custom implementation too.
		if strings.Contains(written, "Replace") {
			return modifier{rule: "conditional", condition: "the plan modifier " + written + " decides", text: written}
		}
	}
	if strings.Contains(written, "Replace") {
		return modifier{rule: "conditional", condition: "the plan modifier " + written + " (not read: " + whyUnknown(v) + ") decides", text: written}
	}
	return modifier{rule: "never", text: written}
}

// customModifier reads a plan modifier type declared in the provider: whether any of its plan
// methods can set RequiresReplace, and its Description.
func (x *extractor) customModifier(o *Object, written string) modifier {
	pkg := x.p.pkg(o.T.Path)
	replaces := false
	for name, m := range pkg.Methods[o.T.Name] {
		if strings.HasPrefix(name, "PlanModify") && x.setsRequiresReplace(m.Func.Body, m.File, 0, map[*ast.FuncDecl]bool{}) {
			replaces = true
		}
	}
	if !replaces {
		return modifier{rule: "never", text: written}
	}
	desc := ""
	if d := x.p.method(o.T, "Description", 0); d != nil {
		desc, _ = constString(x.in.callFunc(&Func{Decl: d.Func, File: d.File, Recv: o}, []Value{Unknown{Why: "ctx"}}, false))
	}
	cond := "the provider's plan modifier " + o.T.Name + " decides"
	if desc != "" {
		cond += " (described as: " + strings.TrimSpace(desc) + ")"
	}
	return modifier{rule: "conditional", condition: cond, text: written}
}

// setsRequiresReplace reports whether a body (or a function of the source it calls) assigns
// something other than false to a RequiresReplace field.
func (x *extractor) setsRequiresReplace(body ast.Node, f *File, depth int, seen map[*ast.FuncDecl]bool) bool {
	if body == nil || depth > 4 {
		return false
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		switch s := n.(type) {
		case *ast.AssignStmt:
			for i, l := range s.Lhs {
				if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "RequiresReplace" && i < len(s.Rhs) {
					if id, ok := s.Rhs[i].(*ast.Ident); !ok || id.Name != "false" {
						found = true
					}
				}
			}
		case *ast.CallExpr:
			if d := x.calledDecl(s, f); d != nil && !seen[d.Func] {
				seen[d.Func] = true
				if x.setsRequiresReplace(d.Func.Body, d.File, depth+1, seen) {
					found = true
				}
			}
		}
		return true
	})
	return found
}

// calledDecl resolves the callee of a call to a function declared in the source, syntactically.
func (x *extractor) calledDecl(c *ast.CallExpr, f *File) *Decl {
	switch fn := c.Fun.(type) {
	case *ast.Ident:
		if d := f.Pkg.Decls[fn.Name]; d != nil && d.Kind == DeclFunc {
			return d
		}
	case *ast.SelectorExpr:
		if id, ok := fn.X.(*ast.Ident); ok {
			if ip, ok := f.Imports[id.Name]; ok {
				if pkg := x.p.pkg(ip); pkg != nil {
					if d := pkg.Decls[fn.Sel.Name]; d != nil && d.Kind == DeclFunc {
						return d
					}
				}
			}
		}
	}
	return nil
}
