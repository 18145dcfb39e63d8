package main

// Output layouts of a provider file. `indented` is the two-space indented JSON of the small files,
// easy to read and to diff. `lines` is for the big providers (thousands of resources): compact
// JSON with one resource type per line, so a file stays a few megabytes instead of tens, while a
// diff between two versions still shows which resource types changed. Both are the same JSON
// value; a reader parses either.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

const (
	layoutIndented = "indented"
	layoutLines    = "lines"
)

func checkLayout(layout string) error {
	switch layout {
	case "", layoutIndented, layoutLines:
		return nil
	}
	return fmt.Errorf("unknown layout %q (want %s or %s)", layout, layoutIndented, layoutLines)
}

// marshalProviderFile renders a provider file in the given layout.
func marshalProviderFile(pf *ProviderFile, layout string) ([]byte, error) {
	if layout == layoutLines {
		return marshalLines(pf)
	}
	return marshalFile(pf)
}

// compactJSON is encoding/json without HTML escaping and without the encoder's final newline.
func compactJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// marshalLines writes each top-level field compactly on a line of its own, then "resources" with
// one line per resource type in sorted order.
func marshalLines(pf *ProviderFile) ([]byte, error) {
	var b bytes.Buffer
	field := func(name string, v any) error {
		data, err := compactJSON(v)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%q:%s,\n", name, data)
		return nil
	}
	b.WriteString("{")
	if err := field("formatVersion", pf.FormatVersion); err != nil {
		return nil, err
	}
	if err := field("provider", pf.Provider); err != nil {
		return nil, err
	}
	if err := field("generatedBy", pf.GeneratedBy); err != nil {
		return nil, err
	}
	if pf.Coverage != nil {
		if err := field("coverage", pf.Coverage); err != nil {
			return nil, err
		}
	}
	if len(pf.Aliases) > 0 {
		if err := field("aliases", pf.Aliases); err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, len(pf.Resources))
	for name := range pf.Resources {
		names = append(names, name)
	}
	sort.Strings(names)
	b.WriteString("\"resources\":{")
	for i, name := range names {
		data, err := compactJSON(pf.Resources[name])
		if err != nil {
			return nil, err
		}
		key, _ := compactJSON(name)
		b.WriteString("\n")
		b.Write(key)
		b.WriteString(":")
		b.Write(data)
		if i < len(names)-1 {
			b.WriteString(",")
		}
	}
	b.WriteString("\n}}\n")
	return b.Bytes(), nil
}
