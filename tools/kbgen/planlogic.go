package main

// Replacement decided in code rather than by a schema flag: SDKv2 CustomizeDiff (customdiff
// helpers and ResourceDiff.ForceNew calls) and framework ModifyPlan (additions to
// resp.RequiresReplace). The attribute named is marked conditional, with what is known of the
// condition: the enclosing if-conditions of the call, as written. What cannot be tied to an
// attribute becomes a resource-level conditionalReplacements entry.

import (
	"fmt"
	"go/ast"
	"sort"
	"strconv"
	"strings"
)

// site is one place in the code that asks for replacement.
type site struct {
	fn    string
	conds []string
	call  *ast.CallExpr // ForceNew(…) call, or the append/Append call adding to RequiresReplace
	args  []ast.Expr
	file  *File
	// reads lists the attribute paths the enclosing function reads with GetAttribute.
	reads []string
}

// findSites walks a function body, and the bodies of the source's functions it calls, for calls
// match accepts, recording each with its enclosing conditions.
func (x *extractor) findSites(fn string, body *ast.BlockStmt, f *File, match func(n ast.Node) (*ast.CallExpr, []ast.Expr, bool), run *interp, depth int, seen map[*ast.FuncDecl]bool, out *[]site) {
	if body == nil || depth > 5 {
		return
	}
	reads := x.getAttributeReads(body, f, run)
	var walk func(n ast.Node, conds []string)
	walk = func(n ast.Node, conds []string) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch s := n.(type) {
			case *ast.IfStmt:
				if s.Init != nil {
					walk(s.Init, conds)
				}
				c := oneLine(s.Cond, 140)
				walk(s.Body, append(append([]string{}, conds...), c))
				if s.Else != nil {
					walk(s.Else, append(append([]string{}, conds...), "!("+c+")"))
				}
				return false
			case *ast.FuncLit:
				walk(s.Body, conds)
				return false
			}
			if call, args, ok := match(n); ok {
				*out = append(*out, site{fn: fn, conds: conds, call: call, args: args, file: f, reads: reads})
			}
			if call, ok := n.(*ast.CallExpr); ok {
				if d := x.calledDecl(call, f); d != nil && !seen[d.Func] {
					seen[d.Func] = true
					x.findSites(d.Name, d.Func.Body, d.File, match, run, depth+1, seen, out)
				}
			}
			return true
		})
	}
	walk(body, nil)
}

// getAttributeReads lists the paths read with X.GetAttribute(ctx, path, &v) in a body: as the run
// evaluated them, else as far as they can be evaluated without it.
func (x *extractor) getAttributeReads(body *ast.BlockStmt, f *File, run *interp) []string {
	var out []string
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) < 2 {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "GetAttribute" {
			p := ""
			if args, ok := run.seen[call]; ok && len(args) > 1 {
				p = frameworkPath(args[1])
			}
			if p == "" {
				p = x.staticPath(call.Args[1], f)
			}
			if p != "" {
				out = append(out, p)
			}
		}
		return true
	})
	return out
}

// staticEval evaluates an expression with no local variables known and no function bodies run.
func (x *extractor) staticEval(e ast.Expr, f *File) Value {
	in := &interp{p: x.p, noCalls: true}
	v, err := in.callSafely(func() Value { return in.eval(e, newEnv(nil, f)) })
	if err != nil {
		return Unknown{Why: err.Error()}
	}
	return v
}

func (x *extractor) staticPath(e ast.Expr, f *File) string {
	return frameworkPath(x.staticEval(e, f))
}

// frameworkPath renders a path.Path value built with path.Root(…).AtName(…), dropping element
// steps (list index, set value, map key), which the format leaves out of paths.
func frameworkPath(v Value) string {
	c, ok := settled(v).(ExtCall)
	if !ok {
		return ""
	}
	if c.Method == "" {
		if isFrameworkPathPackage(c.Fn.Path) && c.Fn.Name == "Root" && len(c.Args) == 1 {
			s, _ := constString(c.Args[0])
			return s
		}
		return ""
	}
	base := frameworkPath(c.Recv)
	if base == "" {
		return ""
	}
	switch c.Method {
	case "AtName":
		if len(c.Args) == 1 {
			if s, ok := constString(c.Args[0]); ok {
				return base + "." + s
			}
		}
		return ""
	case "AtListIndex", "AtSetValue", "AtMapKey", "AtTupleIndex":
		return base
	}
	return ""
}

// sdkKeyPath turns an SDK diff key ("root_block_device.0.encrypted", "tags.%") into a path.
func sdkKeyPath(key string) string {
	var parts []string
	for _, p := range strings.Split(key, ".") {
		if _, err := strconv.Atoi(p); err == nil || p == "#" || p == "%" || p == "" || p == "*" {
			continue
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ".")
}

// lookupRule finds the attribute or block a dotted path names.
func lookupRule(r *Resource, path string) (*Attribute, *Block) {
	parts := strings.Split(path, ".")
	attrs, blocks := r.Attributes, r.Blocks
	for i, name := range parts {
		last := i == len(parts)-1
		if a, ok := attrs[name]; ok {
			if last {
				return a, nil
			}
			attrs, blocks = a.Attributes, nil
			continue
		}
		if b, ok := blocks[name]; ok {
			if last {
				return nil, b
			}
			attrs, blocks = b.Attributes, b.Blocks
			continue
		}
		return nil, nil
	}
	return nil, nil
}

// markConditional applies a code-decided replacement to the attribute or block at path.
func (x *extractor) markConditional(r *Resource, path, condition, source string) bool {
	a, b := lookupRule(r, path)
	switch {
	case a != nil:
		if a.Replace == "never" {
			a.Replace, a.Condition = "conditional", condition
		} else if a.Replace == "conditional" && !strings.Contains(a.Condition, condition) {
			a.Condition += "; or " + condition
		}
		if !strings.Contains(a.Source, source) {
			a.Source += "; " + source
		}
		return true
	case b != nil:
		if b.Replace == "never" {
			b.Replace, b.Condition = "conditional", condition
		}
		if !strings.Contains(b.Source, source) {
			b.Source += "; " + source
		}
		return true
	}
	return false
}

// forceNewIfCondition phrases the predicate of customdiff.ForceNewIf / ForceNewIfChange for a
// reader of the finding, who needs when it replaces rather than the function's Go signature: a
// predicate that is one return statement is its expression; a longer function literal (it may
// call the cloud API, as aws_instance's instance_type check does) is named as the provider's own
// check; a named function keeps its name.
func forceNewIfCondition(fn string, predicate ast.Expr, text string) string {
	values := ""
	if fn == "ForceNewIfChange" {
		values = ", given the old and new values"
	}
	if lit, ok := predicate.(*ast.FuncLit); ok {
		if len(lit.Body.List) == 1 {
			if ret, ok := lit.Body.List[0].(*ast.ReturnStmt); ok && len(ret.Results) == 1 {
				return oneLine(ret.Results[0], 160) + " (customdiff." + fn + values + ")"
			}
		}
		return fmt.Sprintf("the provider's own check in its CustomizeDiff (customdiff.%s%s, a function of %d statements, not evaluated here) returns true", fn, values, len(lit.Body.List))
	}
	return "customdiff." + fn + ": " + text + " returns true" + values
}

func conditionText(who string, conds []string) string {
	if len(conds) == 0 {
		return who
	}
	return who + " when " + strings.Join(conds, " && ")
}

func addConditional(r *Resource, c ConditionalReplacement) {
	for _, e := range r.ConditionalReplacements {
		if e.Condition == c.Condition && strings.Join(e.Attributes, ",") == strings.Join(c.Attributes, ",") {
			return
		}
	}
	r.ConditionalReplacements = append(r.ConditionalReplacements, c)
}

// ---- SDKv2 CustomizeDiff ----------------------------------------------------------------------

func (x *extractor) customizeDiff(v Value, r *Resource) {
	x.customizeDiffValue(v, r, nil, 0)
}

func (x *extractor) customizeDiffValue(v Value, r *Resource, outer []string, depth int) {
	if depth > 8 {
		return
	}
	switch c := settled(v).(type) {
	case ExtCall:
		if !isSDKCustomDiffPackage(c.Fn.Path) {
			addConditional(r, ConditionalReplacement{Attributes: []string{}, Kind: "plan", Condition: conditionText("the CustomizeDiff "+c.describe()+" (not read: outside the source) decides", outer), Source: "CustomizeDiff"})
			return
		}
		argText := func(i int) string {
			if i < len(c.Exprs) {
				return oneLine(c.Exprs[i], 120)
			}
			return ""
		}
		switch c.Fn.Name {
		case "All", "Sequence":
			for _, a := range c.Args {
				x.customizeDiffValue(a, r, outer, depth+1)
			}
		case "ForceNewIf", "ForceNewIfChange":
			key, ok := "", false
			if len(c.Args) > 0 {
				key, ok = constString(c.Args[0])
			}
			var predicate ast.Expr
			if len(c.Exprs) > 1 {
				predicate = c.Exprs[1]
			}
			cond := conditionText(forceNewIfCondition(c.Fn.Name, predicate, argText(1)), outer)
			src := "CustomizeDiff: customdiff." + c.Fn.Name + "(" + argText(0) + ", …)"
			if !ok || !x.markConditional(r, sdkKeyPath(key), cond, src) {
				attrs := []string{}
				if ok {
					attrs = []string{sdkKeyPath(key)}
				}
				addConditional(r, ConditionalReplacement{Attributes: attrs, Kind: "plan", Condition: cond, Source: src})
			}
		case "If", "IfValue", "IfValueChange":
			n := map[string]int{"If": 1, "IfValue": 2, "IfValueChange": 2}[c.Fn.Name]
			if n < len(c.Args) {
				x.customizeDiffValue(c.Args[n], r, append(append([]string{}, outer...), "customdiff."+c.Fn.Name+"("+strings.Join(exprTexts(c.Exprs[:n], 80), ", ")+")"), depth+1)
			}
		case "ValidateChange", "ValidateValue", "ComputedIf":
		default:
			addConditional(r, ConditionalReplacement{Attributes: []string{}, Kind: "plan", Condition: conditionText("customdiff."+c.Fn.Name+" (not read) decides", outer), Source: "CustomizeDiff"})
		}
	case *Func:
		x.customizeDiffFunc(c, r, outer)
	case Nil:
	default:
		addConditional(r, ConditionalReplacement{Attributes: []string{}, Kind: "plan", Condition: conditionText("the provider's CustomizeDiff decides (not read: "+whyUnknown(v)+")", outer), Source: "CustomizeDiff"})
	}
}

func exprTexts(es []ast.Expr, max int) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = oneLine(e, max)
	}
	return out
}

// customizeDiffFunc runs a CustomizeDiff function of the source with a recording ResourceDiff and
// maps each ForceNew call site to the keys it was called with.
func (x *extractor) customizeDiffFunc(f *Func, r *Resource, outer []string) {
	rec := &diffRecorder{reached: map[*ast.CallExpr]bool{}}
	var ftype *ast.FuncType
	var body *ast.BlockStmt
	name := f.Name
	if f.Decl != nil {
		ftype, body = f.Decl.Type, f.Decl.Body
	} else if f.Lit != nil {
		ftype, body = f.Lit.Type, f.Lit.Body
		if name == "" {
			name = "a function literal"
		}
	}
	if body == nil {
		return
	}
	var args []Value
	for _, field := range ftype.Params.List {
		id, _ := x.p.namedTypeOf(field.Type, f.File)
		n := max(len(field.Names), 1)
		for range n {
			if id.isSDK("ResourceDiff") {
				args = append(args, rec)
			} else {
				args = append(args, Unknown{Why: "parameter"})
			}
		}
	}
	sub := x.p.newInterp()
	sub.watch = map[string]bool{"GetAttribute": true}
	_, _ = sub.callSafely(func() Value { return sub.callFunc(f, args, false) })

	// The calls the run reached, with the keys they were called with and the undecided
	// conditions around them.
	for _, c := range rec.calls {
		fn := c.fn
		if fn == "" {
			fn = name
		}
		x.forceNewSite(r, fn, append(append([]string{}, outer...), c.conds...), []string{c.key}, c.arg, c.file)
	}
	// A value the CustomizeDiff plans itself (google's DefaultProviderProject/Region/Zone fill an
	// unset argument from the provider configuration): on a force-new argument, a change of that
	// source replaces the resource although the module did not change.
	for _, c := range rec.setNew {
		fn := c.fn
		if fn == "" {
			fn = name
		}
		x.setNewSite(r, fn, c.key)
	}
	// Calls the run did not reach (a loop over values known only at run time): as far as their
	// key can be evaluated without it, with their enclosing conditions as written.
	var sites []site
	match := func(n ast.Node) (*ast.CallExpr, []ast.Expr, bool) {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return nil, nil, false
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "ForceNew" {
			return call, call.Args, true
		}
		return nil, nil, false
	}
	x.findSites(name, body, f.File, match, sub, 0, map[*ast.FuncDecl]bool{}, &sites)
	for _, s := range sites {
		if rec.reached[s.call] {
			continue
		}
		var keys []string
		if k, ok := constString(x.staticEval(s.args[0], s.file)); ok {
			keys = append(keys, k)
		}
		x.forceNewSite(r, s.fn, append(append([]string{}, outer...), s.conds...), keys, s.args[0], s.file)
	}
}

// setNewSite notes on a force-new attribute that a CustomizeDiff plans its value.
func (x *extractor) setNewSite(r *Resource, fn, key string) {
	if key == "" {
		return
	}
	a, _ := lookupRule(r, sdkKeyPath(key))
	if a == nil || a.Replace == "never" {
		return
	}
	note := "The CustomizeDiff " + fn + " plans this value itself (SetNew): left unset, it takes the value " + fn + " computes (such as a default of the provider configuration), and a change of that value replaces the resource just as editing the argument does."
	if !strings.Contains(a.Note, note) {
		a.Note = joinNote(a.Note, note)
	}
}

// forceNewSite marks the attributes a ForceNew call names as conditional, or records a
// resource-level entry when its key is not known.
func (x *extractor) forceNewSite(r *Resource, fn string, conds []string, keys []string, arg ast.Expr, f *File) {
	resolved := []string{}
	for _, k := range keys {
		if k != "" {
			resolved = append(resolved, k)
		}
	}
	cond := conditionText("the provider's CustomizeDiff ("+fn+") calls ForceNew", conds)
	if len(resolved) == 0 {
		addConditional(r, ConditionalReplacement{Attributes: []string{}, Kind: "plan", Condition: cond + " on a key the generator could not resolve (" + oneLine(arg, 80) + ")", Source: "CustomizeDiff: " + fn})
		return
	}
	sort.Strings(resolved)
	for _, k := range uniq(resolved) {
		path := sdkKeyPath(k)
		src := "CustomizeDiff: " + fn + " → ForceNew(" + strconv.Quote(k) + ")"
		if !x.markConditional(r, path, cond, src) {
			addConditional(r, ConditionalReplacement{Attributes: []string{path}, Kind: "plan", Condition: cond, Source: src})
		}
	}
}

func uniq(s []string) []string {
	out := s[:0:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// ---- framework ModifyPlan ---------------------------------------------------------------------

func (x *extractor) modifyPlan(obj *Object, r *Resource) {
	m := x.p.method(obj.T, "ModifyPlan", 0)
	if m == nil {
		return
	}
	resp := &Object{T: typeID{Name: "ModifyPlanResponse"}, Fields: map[string]Value{"RequiresReplace": &Slice{}, "Plan": Unknown{Why: "plan"}, "Diagnostics": Unknown{Why: "diagnostics"}}}
	req := &Object{T: typeID{Name: "ModifyPlanRequest"}, Fields: map[string]Value{"Plan": Unknown{Why: "plan"}, "State": Unknown{Why: "state"}, "Config": Unknown{Why: "config"}}}
	sub := x.p.newInterp()
	sub.watch = map[string]bool{"GetAttribute": true}
	_, _ = sub.callSafely(func() Value {
		return sub.callFunc(&Func{Decl: m.Func, File: m.File, Recv: obj, Name: "ModifyPlan"}, []Value{Unknown{Why: "ctx"}, req, resp}, false)
	})
	// Paths the run added, by the expression that added them.
	byExpr := map[ast.Expr]string{}
	if s, ok := settled(resp.Fields["RequiresReplace"]).(*Slice); ok {
		for i, it := range s.Items {
			if i < len(s.Srcs) && s.Srcs[i].Expr != nil {
				byExpr[s.Srcs[i].Expr] = frameworkPath(it)
			}
		}
	}
	var sites []site
	match := func(n ast.Node) (*ast.CallExpr, []ast.Expr, bool) {
		switch s := n.(type) {
		case *ast.AssignStmt:
			for i, l := range s.Lhs {
				sel, ok := l.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "RequiresReplace" || i >= len(s.Rhs) {
					continue
				}
				switch rhs := s.Rhs[i].(type) {
				case *ast.CallExpr:
					if id, ok := rhs.Fun.(*ast.Ident); ok && id.Name == "append" && len(rhs.Args) > 1 {
						return rhs, rhs.Args[1:], true
					}
					return rhs, []ast.Expr{rhs}, true
				case *ast.CompositeLit:
					return nil, rhs.Elts, true
				}
			}
		case *ast.CallExpr:
			if sel, ok := s.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Append" {
				if inner, ok := sel.X.(*ast.SelectorExpr); ok && inner.Sel.Name == "RequiresReplace" {
					return s, s.Args, true
				}
			}
		}
		return nil, nil, false
	}
	x.findSites(m.Name, m.Func.Body, m.File, match, sub, 0, map[*ast.FuncDecl]bool{}, &sites)
	for _, s := range sites {
		for _, arg := range s.args {
			path := byExpr[arg]
			if path == "" {
				path = x.staticPath(arg, s.file)
			}
			cond := conditionText("the provider's ModifyPlan ("+s.fn+") requires replacement", s.conds)
			if path == "" {
				addConditional(r, ConditionalReplacement{Attributes: []string{}, Kind: "plan", Condition: cond + " of a path the generator could not resolve (" + oneLine(arg, 80) + ")", Source: "ModifyPlan: " + s.fn})
				continue
			}
			if !x.markConditional(r, path, cond, "ModifyPlan adds RequiresReplace on "+path) {
				addConditional(r, ConditionalReplacement{Attributes: []string{path}, Kind: "plan", Condition: cond, Source: "ModifyPlan: " + s.fn})
			}
			// The configurable attributes the deciding function reads can trigger it by an edit.
			for _, read := range s.reads {
				if read == path {
					continue
				}
				if a, _ := lookupRule(r, read); a != nil && (a.Optional || a.Required) {
					x.markConditional(r, read, "the provider's ModifyPlan ("+s.fn+") reads it to decide whether "+path+" requires replacement", "read by ModifyPlan ("+s.fn+")")
				}
			}
		}
	}
}
