package main

// Overlays: the small, committed files of facts a person established by reading the code or by
// running plans, which a schema walk cannot produce (a resource is stateful, which attributes name
// the real object, a note on an edge case, the real condition of a custom plan modifier). The
// generator merges an overlay last. Every field an overlay changes that the generator also wrote
// must be stated in `expect` with the generated value, so that when a new provider version changes
// the code, the overlay entry stops applying and is reported instead of silently overriding.

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
)

type Overlay struct {
	OverlayFormat int                         `json:"overlayFormat"`
	Provider      string                      `json:"provider"`
	Comment       string                      `json:"comment,omitempty"`
	Aliases       map[string]string           `json:"aliases,omitempty"`
	Resources     map[string]*ResourceOverlay `json:"resources"`
	// CouldNotRead names resource types the provider serves in a way the generator does not see
	// (a resource served by terraform-plugin-go directly, its schema built at run time), so that
	// the coverage lists them.
	CouldNotRead []Unread `json:"couldNotRead,omitempty"`
}

type ResourceOverlay struct {
	Expect                  map[string]json.RawMessage `json:"expect,omitempty"`
	Set                     map[string]json.RawMessage `json:"set,omitempty"`
	Paths                   map[string]*Patch          `json:"paths,omitempty"`
	ConditionalReplacements *ListPatch                 `json:"conditionalReplacements,omitempty"`
}

type Patch struct {
	Expect map[string]json.RawMessage `json:"expect,omitempty"`
	Set    map[string]json.RawMessage `json:"set,omitempty"`
}

type ListPatch struct {
	Expect json.RawMessage          `json:"expect,omitempty"`
	Set    []ConditionalReplacement `json:"set,omitempty"`
	Add    []ConditionalReplacement `json:"add,omitempty"`
}

func LoadOverlay(path string) (*Overlay, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var o Overlay
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return nil, fmt.Errorf("overlay %s: %v", path, err)
	}
	if o.OverlayFormat != 1 {
		return nil, fmt.Errorf("overlay %s: overlayFormat %d is not 1", path, o.OverlayFormat)
	}
	return &o, nil
}

// Apply merges the overlay into pf and returns the entries that did not apply, with why.
func (o *Overlay) Apply(pf *ProviderFile) []string {
	var problems []string
	if o.Provider != "" && o.Provider != pf.Provider.Source {
		return []string{fmt.Sprintf("overlay is for %s, not %s", o.Provider, pf.Provider.Source)}
	}
	for _, u := range o.CouldNotRead {
		if pf.Resources[u.Resource] != nil {
			problems = append(problems, u.Resource+": listed as not readable, but generated")
			continue
		}
		pf.Coverage.CouldNotRead = append(pf.Coverage.CouldNotRead, u)
	}
	for _, alias := range sortedDeclNames(o.Aliases) {
		if p := reorientAlias(pf, alias, o.Aliases[alias]); p != "" {
			problems = append(problems, p)
		}
	}
	for _, name := range sortedDeclNames(o.Resources) {
		ro := o.Resources[name]
		if name == "*" {
			for _, rname := range sortedDeclNames(pf.Resources) {
				problems = append(problems, ro.apply(rname, pf.Resources[rname], true)...)
			}
			continue
		}
		r := pf.Resources[name]
		if r == nil {
			problems = append(problems, fmt.Sprintf("%s: not generated (the overlay names a resource the source does not register)", name))
			continue
		}
		problems = append(problems, ro.apply(name, r, false)...)
	}
	return problems
}

func reorientAlias(pf *ProviderFile, alias, canonical string) string {
	if pf.Aliases[alias] == canonical {
		return ""
	}
	if pf.Aliases[canonical] != alias {
		return fmt.Sprintf("aliases: %s → %s was not generated", alias, canonical)
	}
	pf.Resources[canonical] = pf.Resources[alias]
	delete(pf.Resources, alias)
	delete(pf.Aliases, canonical)
	for a, c := range pf.Aliases {
		if c == alias {
			pf.Aliases[a] = canonical
		}
	}
	pf.Aliases[alias] = canonical
	return ""
}

func (ro *ResourceOverlay) apply(name string, r *Resource, wildcard bool) []string {
	var problems []string
	if len(ro.Set) > 0 || len(ro.Expect) > 0 {
		if p := patchStruct(r, ro.Expect, ro.Set, []string{"attributes", "blocks", "conditionalReplacements"}); p != "" {
			problems = append(problems, name+": "+p)
		}
	}
	for _, path := range sortedDeclNames(ro.Paths) {
		patch := ro.Paths[path]
		a, b := lookupRule(r, path)
		var target any
		switch {
		case a != nil:
			target = a
		case b != nil:
			target = b
		default:
			if !wildcard {
				problems = append(problems, fmt.Sprintf("%s.%s: no such attribute or block", name, path))
			}
			continue
		}
		if p := patchStruct(target, patch.Expect, patch.Set, []string{"attributes", "blocks"}); p != "" {
			problems = append(problems, fmt.Sprintf("%s.%s: %s", name, path, p))
		}
	}
	if lp := ro.ConditionalReplacements; lp != nil {
		if lp.Set != nil {
			got, _ := json.Marshal(r.ConditionalReplacements)
			if len(lp.Expect) == 0 && len(r.ConditionalReplacements) > 0 {
				problems = append(problems, name+".conditionalReplacements: set without expect replaces generated entries")
			} else if len(lp.Expect) > 0 && !jsonEqual(got, lp.Expect) {
				problems = append(problems, fmt.Sprintf("%s.conditionalReplacements: expected %s, generated %s", name, lp.Expect, got))
			} else {
				r.ConditionalReplacements = append([]ConditionalReplacement{}, lp.Set...)
			}
		}
		for _, c := range lp.Add {
			addConditional(r, c)
		}
	}
	return problems
}

// patchStruct applies set to a struct through its JSON form, after checking expect and that every
// generated field being changed is expected.
func patchStruct(target any, expect, set map[string]json.RawMessage, frozen []string) string {
	raw, _ := json.Marshal(target)
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields)
	var problems []string
	for _, k := range sortedDeclNames(expect) {
		got, has := fields[k]
		want := expect[k]
		if string(want) == "null" {
			if has {
				problems = append(problems, fmt.Sprintf("expected no %s, generated %s", k, got))
			}
			continue
		}
		if !has || !jsonEqual(got, want) {
			if !has {
				got = json.RawMessage("(absent)")
			}
			problems = append(problems, fmt.Sprintf("expected %s %s, generated %s", k, want, got))
		}
	}
	for _, k := range sortedDeclNames(set) {
		for _, f := range frozen {
			if k == f {
				problems = append(problems, "an overlay cannot set "+k)
			}
		}
		if _, generated := fields[k]; generated {
			if _, expected := expect[k]; !expected {
				problems = append(problems, fmt.Sprintf("sets %s, which the generator wrote, without expecting its generated value", k))
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return strings.Join(problems, "; ")
	}
	for k, v := range set {
		if string(v) == "null" {
			delete(fields, k)
		} else {
			fields[k] = v
		}
	}
	merged, _ := json.Marshal(fields)
	zero := reflect.New(reflect.TypeOf(target).Elem())
	if err := json.Unmarshal(merged, zero.Interface()); err != nil {
		return "cannot apply: " + err.Error()
	}
	reflect.ValueOf(target).Elem().Set(zero.Elem())
	return ""
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
