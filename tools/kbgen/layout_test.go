package main

// The `lines` layout: the same JSON value as the indented file, one resource type per line.

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestLinesLayoutIsTheSameValueWithOneResourcePerLine(t *testing.T) {
	pf := fakeSDK(t)
	lines, err := marshalProviderFile(pf, layoutLines)
	if err != nil {
		t.Fatal(err)
	}
	indented, err := marshalProviderFile(pf, layoutIndented)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(lines, &a); err != nil {
		t.Fatalf("the lines layout is JSON: %v", err)
	}
	if err := json.Unmarshal(indented, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("both layouts hold the same value")
	}
	rows := strings.Split(strings.TrimSuffix(string(lines), "\n"), "\n")
	var resourceRows []string
	inResources := false
	for _, row := range rows {
		switch {
		case row == `"resources":{`:
			inResources = true
		case inResources && row != "}}":
			resourceRows = append(resourceRows, row)
		}
	}
	if len(resourceRows) != len(pf.Resources) {
		t.Fatalf("one line per resource type: %d lines for %d resources", len(resourceRows), len(pf.Resources))
	}
	var prev string
	for _, row := range resourceRows {
		name := row[1 : strings.Index(row[1:], `"`)+1]
		if pf.Resources[name] == nil || name <= prev {
			t.Errorf("resource lines are the types in sorted order: %q after %q", name, prev)
		}
		prev = name
	}
	if !strings.HasPrefix(rows[0], `{"formatVersion":1,`) || rows[len(rows)-1] != "}}" {
		t.Errorf("first and last lines: %q … %q", rows[0], rows[len(rows)-1])
	}
	if err := checkLayout("pretty"); err == nil {
		t.Error("an unknown layout is refused")
	}
}
