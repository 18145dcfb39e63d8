package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The committed coverage report is what the committed data says.
func TestCoverageReportIsCurrent(t *testing.T) {
	report, err := CoverageReport("../../data/terraform-providers")
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../docs/knowledge-coverage.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(committed) != report {
		t.Errorf("docs/knowledge-coverage.md is not what data/terraform-providers says; regenerate it:\n  %s", CoverageCommand)
	}
}

// A provider file whose recorded counts contradict its resources is refused, naming the file.
func TestCoverageReportRefusesContradictoryCounts(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("../../data/terraform-providers/hashicorp-local.json")
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(data), `"forceNewPaths": 13`, `"forceNewPaths": 12`, 1)
	if bad == string(data) {
		t.Fatal("hashicorp-local.json no longer records forceNewPaths 13: adjust the test")
	}
	if err := os.WriteFile(filepath.Join(dir, "hashicorp-local.json"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = CoverageReport(dir)
	if err == nil || !strings.Contains(err.Error(), "hashicorp-local.json") || !strings.Contains(err.Error(), "its resources count") {
		t.Fatalf("error: %v", err)
	}
}

// What the generator could not read is listed with why.
func TestCoverageReportListsWhatWasNotRead(t *testing.T) {
	report := renderCoverage([]coverageRow{{
		file: "fake-x.json",
		pf:   ProviderFile{Provider: ProviderMeta{Source: "registry.terraform.io/fake/x", Version: "1.0.0"}, GeneratedBy: "generator kbgen 0.1.0"},
		counted: Coverage{Resources: 1, CouldNotRead: []Unread{{Resource: "x_manifest", Why: "schema from the cluster | at run time"}},
			Unread: []Unread{{Resource: "x_thing", Path: "rule", Why: "not a constant"}}},
	}})
	for _, want := range []string{
		"| `fake-x.json` | registry.terraform.io/fake/x | 1.0.0 | — | kbgen | 1 | 0 | 0 | 0 | 0 | 1 | 1 | 0 |",
		"- resource `x_manifest`: schema from the cluster \\| at run time",
		"- attribute `x_thing.rule`: not a constant",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}
