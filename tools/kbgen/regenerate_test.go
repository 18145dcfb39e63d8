package main

// Regenerating the real small providers from their pinned source, fetched with `go mod download`
// (from the module cache when it is there, else through the Go module proxy), and comparing the
// result with the committed data files field by field.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const dataDir = "../../data/terraform-providers"

func TestRegeneratedProvidersMatchTheCommittedData(t *testing.T) {
	pins, err := LoadPins("providers.json")
	if err != nil {
		t.Fatal(err)
	}
	regenerated := 0
	for _, pin := range pins.Providers {
		if pin.ModuleVersion == "" {
			continue // the proxy does not serve it: see TestEveryPinIsRegeneratedOrSaysWhyNot
		}
		t.Run(pin.Name, func(t *testing.T) {
			dir, err := DownloadModule(pin.Module, pin.ModuleVersion, pin.ZipSum)
			if err != nil {
				t.Fatal(err)
			}
			pf, problems, err := Run(GenerateOptions{Src: dir, Meta: pin.Meta(), Module: pin.Module, Overlay: pin.Overlay})
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) > 0 {
				t.Fatalf("overlay %s no longer applies:\n%s", pin.Overlay, strings.Join(problems, "\n"))
			}
			if len(pf.Coverage.CouldNotRead)+len(pf.Coverage.Unread)+len(pf.Coverage.FileErrors) > 0 {
				t.Errorf("a small provider is read completely: %+v", pf.Coverage)
			}
			got, err := marshalFile(pf)
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			_ = json.Unmarshal(got, &a)
			committed, err := readJSONFile(filepath.Join(dataDir, pin.File))
			if err != nil {
				t.Fatal(err)
			}
			b = committed
			diffs := Diff(a, b)
			explainedPath := filepath.Join("differences", pin.File)
			if _, err := os.Stat(explainedPath); err == nil {
				ex, err := LoadExplained(explainedPath)
				if err != nil {
					t.Fatal(err)
				}
				unexplained, stale := CheckExplained(diffs, ex)
				for _, d := range unexplained {
					t.Errorf("unexplained difference: %s", formatDifference(d))
				}
				for _, d := range stale {
					t.Errorf("stale or empty explanation: %s", formatDifference(d))
				}
				return
			}
			for _, d := range diffs {
				t.Errorf("%s: %s", pin.File, formatDifference(d))
			}
		})
		regenerated++
	}
	if regenerated < 4 {
		t.Errorf("only %d pinned providers have a module version to regenerate from", regenerated)
	}
}

func TestEveryPinIsRegeneratedOrSaysWhyNot(t *testing.T) {
	pins, err := LoadPins("providers.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, pin := range pins.Providers {
		if pin.ModuleVersion == "" && pin.SourceFrom == "" && !strings.Contains(pin.Note, "proxy") {
			t.Errorf("%s has no module version and no note saying where its source comes from", pin.Name)
		}
		if err := checkLayout(pin.Layout); err != nil {
			t.Errorf("%s: %v", pin.Name, err)
		}
		if pin.Overlay != "" {
			if _, err := LoadOverlay(pin.Overlay); err != nil {
				t.Error(err)
			}
		}
		if _, err := os.Stat(filepath.Join(dataDir, pin.File)); err != nil {
			t.Errorf("%s: %v", pin.Name, err)
		}
	}
}

// null 2.1.2 is the last SDKv2 release of the null provider (the version the repository's
// real-plan tests build); regenerating it checks the SDKv2 path on a real provider, and that the
// 3.3.1 overlay refuses to apply to a different schema.
func TestRegenerateSDKv2NullFromTheModuleCache(t *testing.T) {
	dir, err := DownloadModule("github.com/terraform-providers/terraform-provider-null", "v1.0.1-0.20190430203517-8d3d85a60e20", "h1:K9UY/63kofMqeZL1U2P0lxg1nWwZPX3poI0Os/OfFy8=")
	if err != nil {
		t.Fatal(err)
	}
	meta := Meta{Source: "registry.terraform.io/hashicorp/null", Version: "2.1.2"}
	pf, problems, err := Run(GenerateOptions{Src: dir, Meta: meta, Overlay: "overlays/hashicorp-null.json"})
	if err != nil {
		t.Fatal(err)
	}
	if pf.Provider.SDK != "sdkv2" || len(pf.Resources) != 1 {
		t.Fatalf("sdk %q, resources %v", pf.Provider.SDK, sortedDeclNames(pf.Resources))
	}
	triggers := pf.Resources["null_resource"].Attributes["triggers"]
	if triggers == nil || triggers.Replace != "always" || triggers.Source != "ForceNew: true" || triggers.Type != "map(string)" {
		t.Errorf("triggers: %+v", triggers)
	}
	if id := pf.Resources["null_resource"].Attributes["id"]; id == nil || id.Replace != "never" {
		t.Errorf("id: %+v", id)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], `null_resource.triggers: expected condition`) {
		t.Errorf("the 3.3.1 overlay must not apply to 2.1.2's ForceNew map: %v", problems)
	}
}
