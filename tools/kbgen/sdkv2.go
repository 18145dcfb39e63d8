package main

// SDKv2 schemas (terraform-plugin-sdk helper/schema) → knowledge, with the SDK's own rules for
// what is an attribute and what is a block (its core_schema.go), and for what ForceNew means on
// each (an attribute replaces on any change; a block only when instances are added or removed, its
// attributes following their own flags; a primitive collection's elements inherit the
// collection's flag).

import (
	"fmt"
	"go/ast"
	"sort"
	"strings"
)

// extractor turns evaluated schema values of one resource into knowledge and collects what it
// could not read.
type extractor struct {
	p        *Program
	in       *interp
	resource string
	unread   []Unread
}

func (x *extractor) unreadAt(path, why string) {
	x.unread = append(x.unread, Unread{Resource: x.resource, Path: path, Why: why})
}

func (x *extractor) sdkResource(o *Object) (*Resource, error) {
	schemaMap, err := x.sdkSchemaOf(o)
	if err != nil {
		return nil, err
	}
	r := &Resource{}
	r.Attributes, r.Blocks = x.sdkSchemaMap(schemaMap, "")
	if _, ok := r.Attributes["id"]; !ok {
		// The SDK adds an "id" attribute to every resource that does not declare one.
		r.Attributes["id"] = &Attribute{Replace: "never", Optional: true, Computed: true, Type: "string", Source: "implicit id (SDK)"}
	}
	if t, ok := settled(o.Fields["Timeouts"]).(*Object); ok {
		b := &Block{Nesting: "single", Replace: "never", Source: "Timeouts", Attributes: map[string]*Attribute{}}
		for _, name := range []string{"Create", "Read", "Update", "Delete", "Default"} {
			if v, ok := t.Fields[name]; ok {
				if _, isNil := settled(v).(Nil); !isNil {
					b.Attributes[strings.ToLower(name)] = &Attribute{Replace: "never", Optional: true, Type: "string", Source: "Timeouts"}
				}
			}
		}
		if r.Blocks == nil {
			r.Blocks = map[string]*Block{}
		}
		if _, taken := r.Blocks["timeouts"]; !taken {
			r.Blocks["timeouts"] = b
		}
	}
	if msg, ok := constString(o.Fields["DeprecationMessage"]); ok && msg != "" {
		r.Deprecated = true
	} else if _, set := o.Fields["DeprecationMessage"]; set && !ok {
		r.Deprecated = true
	}
	if cd, ok := o.Fields["CustomizeDiff"]; ok {
		if _, isNil := settled(cd).(Nil); !isNil {
			x.customizeDiff(cd, r)
		}
	}
	return r, nil
}

// sdkSchemaOf is the schema map of a *schema.Resource: Schema, or what SchemaFunc returns.
func (x *extractor) sdkSchemaOf(o *Object) (*Map, error) {
	v := settled(o.Fields["Schema"])
	if v == nil || isNilValue(v) {
		if f, ok := settled(o.Fields["SchemaFunc"]).(*Func); ok {
			v = settled(x.in.callFunc(f, nil, false))
		}
	}
	m, ok := v.(*Map)
	if !ok {
		return nil, fmt.Errorf("schema: %s", whyUnknown(v))
	}
	for _, why := range m.Unread {
		x.unreadAt("", why)
	}
	return m, nil
}

func isNilValue(v Value) bool {
	_, ok := v.(Nil)
	return ok
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func (x *extractor) sdkSchemaMap(m *Map, prefix string) (map[string]*Attribute, map[string]*Block) {
	attrs := map[string]*Attribute{}
	var blocks map[string]*Block
	keys := append([]string{}, m.Keys...)
	sort.Strings(keys)
	for _, name := range keys {
		path := joinPath(prefix, name)
		s, ok := settled(m.Vals[name]).(*Object)
		if !ok || !s.T.isSDK("Schema") {
			x.unreadAt(path, whyUnknown(m.Vals[name]))
			continue
		}
		elemRes, _ := settled(s.Fields["Elem"]).(*Object)
		isResElem := elemRes != nil && elemRes.T.isSDK("Resource")
		typ := sdkValueType(s.Fields["Type"])
		mode := ""
		if r, ok := settled(s.Fields["ConfigMode"]).(ExtRef); ok {
			mode = r.Name
		}
		computedOnly := x.flag(s, "Computed") && !x.flag(s, "Optional")
		switch {
		case !isResElem || typ == "TypeMap":
			attrs[name] = x.sdkAttribute(s, path)
		case mode == "SchemaConfigModeAttr" || (mode != "SchemaConfigModeBlock" && computedOnly):
			attrs[name] = x.sdkNestedAttribute(s, elemRes, path, computedOnly)
		default:
			if blocks == nil {
				blocks = map[string]*Block{}
			}
			blocks[name] = x.sdkBlock(s, elemRes, path)
		}
	}
	return attrs, blocks
}

func (x *extractor) flag(s *Object, name string) bool {
	b, _ := constBool(s.Fields[name])
	return b
}

// sdkValueType names the schema.ValueType a Type field holds (TypeString, …), or "".
func sdkValueType(v Value) string {
	switch t := settled(v).(type) {
	case ExtRef:
		if isSDKSchemaPackage(t.Path) {
			return t.Name
		}
	case Const:
		if isSDKSchemaPackage(t.T.Path) {
			if n, ok := constInt(t); ok {
				return []string{"TypeInvalid", "TypeBool", "TypeInt", "TypeFloat", "TypeString", "TypeList", "TypeMap", "TypeSet"}[min(max(n, 0), 7)]
			}
		}
	}
	return ""
}

// sdkTypeString is the Terraform type of an SDK attribute schema, as its core schema declares it.
func (x *extractor) sdkTypeString(s *Object, depth int) string {
	if depth > 10 {
		return ""
	}
	if x.flag(s, "SkipCoreTypeCheck") {
		return "dynamic"
	}
	typ := sdkValueType(s.Fields["Type"])
	switch typ {
	case "TypeString":
		return "string"
	case "TypeBool":
		return "bool"
	case "TypeInt", "TypeFloat":
		return "number"
	case "TypeList", "TypeSet", "TypeMap":
		elem := "string"
		switch e := settled(s.Fields["Elem"]).(type) {
		case *Object:
			if e.T.isSDK("Schema") {
				elem = x.sdkTypeString(e, depth+1)
			} else if e.T.isSDK("Resource") {
				if typ == "TypeMap" {
					elem = "string"
				} else {
					elem = x.sdkObjectType(e, depth+1)
				}
			}
		case ExtRef:
			elem = x.sdkTypeString(&Object{T: typeID{Path: e.Path, Name: "Schema"}, Fields: map[string]Value{"Type": e}}, depth+1)
		case nil, Nil:
		default:
			elem = ""
		}
		if elem == "" {
			return ""
		}
		return map[string]string{"TypeList": "list", "TypeSet": "set", "TypeMap": "map"}[typ] + "(" + elem + ")"
	}
	return ""
}

func (x *extractor) sdkObjectType(res *Object, depth int) string {
	m, err := x.sdkSchemaOf(res)
	if err != nil {
		return ""
	}
	keys := append([]string{}, m.Keys...)
	sort.Strings(keys)
	parts := []string{}
	for _, k := range keys {
		s, ok := settled(m.Vals[k]).(*Object)
		if !ok {
			return ""
		}
		t := x.sdkTypeString(s, depth+1)
		if t == "" {
			return ""
		}
		parts = append(parts, k+"="+t)
	}
	return "object({" + strings.Join(parts, ",") + "})"
}

// fieldText is the source of one field of a struct literal, as written.
func fieldText(o *Object, field string) string {
	lit, ok := o.Node.(*ast.CompositeLit)
	if !ok {
		return ""
	}
	for _, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if k, ok := kv.Key.(*ast.Ident); ok && k.Name == field {
				return oneLine(kv.Value, 100)
			}
		}
	}
	return ""
}

// forceNewRule reads a ForceNew field: a constant, a value set under a condition, or an
// expression that cannot be evaluated (recorded as conditional with the expression).
func (x *extractor) forceNewRule(s *Object) (rule, condition, source string) {
	v, set := s.Fields["ForceNew"]
	written := fieldText(s, "ForceNew")
	if !set {
		return "never", "", ""
	}
	if m, ok := v.(*Maybe); ok {
		thenB, ok1 := constBool(m.Then)
		elseB, ok2 := constBool(m.Else)
		if ok1 && ok2 && thenB == elseB {
			if thenB {
				return "always", "", "ForceNew: true"
			}
			return "never", "", ""
		}
		return "conditional", "the provider code sets ForceNew only when " + m.Cond, "ForceNew set under a condition: " + m.Cond
	}
	b, ok := constBool(v)
	if !ok {
		expr := written
		if expr == "" {
			expr = whyUnknown(v)
		}
		return "conditional", "ForceNew is computed at run time: " + expr, "ForceNew: " + expr
	}
	if !b {
		return "never", "", ""
	}
	switch {
	case written == "true":
		return "always", "", "ForceNew: true"
	case written != "":
		return "always", "", "ForceNew: " + written + " (= true)"
	}
	return "always", "", "ForceNew: true (set after the schema literal)"
}

func (x *extractor) sdkAttribute(s *Object, path string) *Attribute {
	a := &Attribute{
		Required:  x.flag(s, "Required"),
		Optional:  x.flag(s, "Optional"),
		Computed:  x.flag(s, "Computed"),
		Sensitive: x.flag(s, "Sensitive"),
		WriteOnly: x.flag(s, "WriteOnly"),
		Type:      x.sdkTypeString(s, 0),
	}
	if d, ok := s.Fields["Deprecated"]; ok {
		if msg, ok := constString(d); !ok || msg != "" {
			a.Deprecated = true
		}
	}
	if a.Required && s.Fields["DefaultFunc"] != nil && !isNilValue(settled(s.Fields["DefaultFunc"])) {
		// A DefaultFunc may supply the value, so the SDK tells core the attribute is optional.
		a.Required, a.Optional = false, true
	}
	rule, cond, src := x.forceNewRule(s)
	a.Replace, a.Condition = rule, cond
	var parts []string
	if src != "" {
		parts = append(parts, src)
	} else if a.Computed && !a.Optional && !a.Required {
		parts = append(parts, "Computed")
	} else {
		parts = append(parts, "no ForceNew")
	}
	if d, ok := s.Fields["Default"]; ok && !isNilValue(settled(d)) {
		text := fieldText(s, "Default")
		if j, ok := jsonValue(d); ok {
			a.Default = j
		} else if a.Replace != "never" {
			a.Note = "Its Default (" + text + ") could not be evaluated: removing the argument plans that default."
		}
		if text != "" {
			parts = append(parts, "Default: "+text)
		}
	}
	if a.Replace != "never" {
		if ds := fieldText(s, "DiffSuppressFunc"); ds != "" {
			a.Note = joinNote(a.Note, "A DiffSuppressFunc ("+ds+") hides some textual changes, which then neither diff nor replace.")
		}
	}
	a.Source = strings.Join(parts, "; ")
	return a
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// sdkNestedAttribute is a list or set of objects that the SDK declares as an attribute
// (ConfigMode: SchemaConfigModeAttr, or computed-only).
func (x *extractor) sdkNestedAttribute(s *Object, elem *Object, path string, computedOnly bool) *Attribute {
	a := x.sdkAttribute(s, path)
	if computedOnly {
		if a.Type == "" {
			a.Type = x.sdkTypeString(s, 0)
		}
		return a
	}
	a.Type = ""
	a.Nesting = map[string]string{"TypeList": "list", "TypeSet": "set"}[sdkValueType(s.Fields["Type"])]
	m, err := x.sdkSchemaOf(elem)
	if err != nil {
		x.unreadAt(path, err.Error())
		return a
	}
	inner, innerBlocks := x.sdkSchemaMap(m, path)
	for name, b := range innerBlocks {
		// Inside an attribute everything is an attribute.
		inner[name] = &Attribute{Replace: b.Replace, Condition: b.Condition, Nesting: b.Nesting, Attributes: b.Attributes, Source: b.Source}
		if b.Replace == "on-add-remove" {
			inner[name].Replace, inner[name].Condition = "conditional", "the number of elements changes (SDK ForceNew on a list of objects; a change inside an element follows the element's attributes)"
		}
	}
	a.Attributes = inner
	if a.Replace == "always" {
		a.Replace, a.Condition = "conditional", "the number of elements changes (SDK ForceNew on a list of objects; a change inside an element follows the element's attributes)"
	}
	return a
}

func (x *extractor) sdkBlock(s *Object, elem *Object, path string) *Block {
	b := &Block{Nesting: map[string]string{"TypeList": "list", "TypeSet": "set", "TypeMap": "map"}[sdkValueType(s.Fields["Type"])]}
	if b.Nesting == "" {
		b.Nesting = "list"
	}
	rule, cond, src := x.forceNewRule(s)
	switch rule {
	case "always":
		b.Replace = "on-add-remove"
	default:
		b.Replace, b.Condition = rule, cond
	}
	if src == "" {
		src = "no ForceNew"
	}
	b.Source = src
	if d, ok := s.Fields["Deprecated"]; ok {
		if msg, ok := constString(d); !ok || msg != "" {
			b.Deprecated = true
		}
	}
	minItems, _ := constInt(s.Fields["MinItems"])
	maxItems, _ := constInt(s.Fields["MaxItems"])
	if x.flag(s, "Required") && minItems == 0 {
		minItems = 1
	}
	if x.flag(s, "Optional") && minItems > 0 {
		minItems = 0
	}
	if minItems > 0 {
		b.MinItems = intPtr(int(minItems))
	}
	if maxItems > 0 {
		b.MaxItems = intPtr(int(maxItems))
	}
	m, err := x.sdkSchemaOf(elem)
	if err != nil {
		x.unreadAt(path, err.Error())
		b.Attributes = map[string]*Attribute{}
		return b
	}
	b.Attributes, b.Blocks = x.sdkSchemaMap(m, path)
	return b
}
