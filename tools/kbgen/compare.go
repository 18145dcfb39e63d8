package main

// Field-by-field comparison of two knowledge-base files (a regenerated one and the committed one),
// and the committed list of known differences, each with the reason read from the source.

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

type Difference struct {
	Path      string `json:"path"`
	Generated any    `json:"generated"`
	HandMade  any    `json:"handMade"`
	Why       string `json:"why,omitempty"`
}

// absent marks a side of a difference where the field does not exist.
const absent = "(absent)"

func readJSONFile(path string) (any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return v, nil
}

// Diff lists every leaf where a and b differ; object keys are compared regardless of order.
func Diff(a, b any) []Difference {
	var out []Difference
	diffValue("", a, b, &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func diffValue(path string, a, b any, out *[]Difference) {
	am, aObj := a.(map[string]any)
	bm, bObj := b.(map[string]any)
	if aObj && bObj {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for k := range keys {
			av, aok := am[k]
			bv, bok := bm[k]
			p := joinPath(path, k)
			switch {
			case !aok:
				*out = append(*out, Difference{Path: p, Generated: absent, HandMade: bv})
			case !bok:
				*out = append(*out, Difference{Path: p, Generated: av, HandMade: absent})
			default:
				diffValue(p, av, bv, out)
			}
		}
		return
	}
	al, aList := a.([]any)
	bl, bList := b.([]any)
	if aList && bList && len(al) == len(bl) {
		for i := range al {
			diffValue(path+"["+strconv.Itoa(i)+"]", al[i], bl[i], out)
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		*out = append(*out, Difference{Path: path, Generated: a, HandMade: b})
	}
}

type Explained struct {
	Comment     string       `json:"comment,omitempty"`
	Generated   string       `json:"generated,omitempty"`
	HandMade    string       `json:"handMade,omitempty"`
	Differences []Difference `json:"differences"`
}

// CheckExplained returns the differences not in the explained list and the explanations that no
// longer match a difference.
func CheckExplained(diffs []Difference, ex *Explained) (unexplained []Difference, stale []Difference) {
	key := func(d Difference) string {
		g, _ := json.Marshal(d.Generated)
		h, _ := json.Marshal(d.HandMade)
		return d.Path + "\x00" + canonicalJSON(g) + "\x00" + canonicalJSON(h)
	}
	known := map[string]bool{}
	for _, d := range ex.Differences {
		known[key(d)] = true
	}
	seen := map[string]bool{}
	for _, d := range diffs {
		k := key(d)
		seen[k] = true
		if !known[k] {
			unexplained = append(unexplained, d)
		}
	}
	for _, d := range ex.Differences {
		if !seen[key(d)] || strings.TrimSpace(d.Why) == "" {
			stale = append(stale, d)
		}
	}
	return
}

func canonicalJSON(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

func LoadExplained(path string) (*Explained, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ex Explained
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ex); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &ex, nil
}

func formatDifference(d Difference) string {
	g, _ := json.Marshal(d.Generated)
	h, _ := json.Marshal(d.HandMade)
	return fmt.Sprintf("%s: generated %s, hand-made %s", d.Path, g, h)
}
