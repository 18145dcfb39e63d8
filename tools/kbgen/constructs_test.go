package main

// One test per construct the generator must understand, on the fake providers under testdata/
// (test input written for these tests; they are parsed, never compiled).

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func generateFake(t *testing.T, opts GenerateOptions) *ProviderFile {
	t.Helper()
	pf, problems, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Fatalf("overlay problems: %v", problems)
	}
	return pf
}

func fakeSDK(t *testing.T) *ProviderFile {
	t.Helper()
	consts := filepath.Join(t.TempDir(), "constants.json")
	if err := os.WriteFile(consts, []byte(`{"example.com/external/extnames.AttrKMSKeyID": "kms_key_id"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return generateFake(t, GenerateOptions{Src: "testdata/sdkprovider", Meta: Meta{Source: "registry.terraform.io/fake/fakesdk", Version: "1.0.0"}, Constants: consts})
}

func fakeFramework(t *testing.T) *ProviderFile {
	t.Helper()
	return generateFake(t, GenerateOptions{Src: "testdata/frameworkprovider", Meta: Meta{Source: "registry.terraform.io/fake/fakefw", Version: "1.0.0"}})
}

func fakeIndexLayout(t *testing.T, overlay string) (*ProviderFile, []string) {
	t.Helper()
	pf, problems, err := Run(GenerateOptions{
		Src:     "testdata/indexlayout",
		Module:  "example.com/terraform-provider-fakeaws",
		Extra:   map[string]string{"example.com/terraform-provider-fakeaws/names": "testdata/indexlayout-names"},
		Meta:    Meta{Source: "registry.terraform.io/fake/fakeaws", Version: "1.0.0"},
		Overlay: overlay,
	})
	if err != nil {
		t.Fatal(err)
	}
	return pf, problems
}

func attr(t *testing.T, pf *ProviderFile, resource, path string) *Attribute {
	t.Helper()
	r := pf.Resources[resource]
	if r == nil {
		t.Fatalf("resource %s not generated (have %v)", resource, sortedDeclNames(pf.Resources))
	}
	a, _ := lookupRule(r, path)
	if a == nil {
		t.Fatalf("%s: no attribute %s", resource, path)
	}
	return a
}

func block(t *testing.T, pf *ProviderFile, resource, path string) *Block {
	t.Helper()
	_, b := lookupRule(pf.Resources[resource], path)
	if b == nil {
		t.Fatalf("%s: no block %s", resource, path)
	}
	return b
}

type ruleCase struct {
	path, replace, sourceHas, conditionHas string
}

func checkRules(t *testing.T, pf *ProviderFile, resource string, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		a := attr(t, pf, resource, c.path)
		if a.Replace != c.replace {
			t.Errorf("%s.%s: replace %q, want %q (source %q, condition %q)", resource, c.path, a.Replace, c.replace, a.Source, a.Condition)
		}
		if !strings.Contains(a.Source, c.sourceHas) {
			t.Errorf("%s.%s: source %q does not contain %q", resource, c.path, a.Source, c.sourceHas)
		}
		if !strings.Contains(a.Condition, c.conditionHas) {
			t.Errorf("%s.%s: condition %q does not contain %q", resource, c.path, a.Condition, c.conditionHas)
		}
		if c.replace == "conditional" && a.Condition == "" {
			t.Errorf("%s.%s: conditional without a condition", resource, c.path)
		}
	}
}

func TestSDKv2ForceNewThroughHelpersVariablesAndConstants(t *testing.T) {
	pf := fakeSDK(t)
	checkRules(t, pf, "fakesdk_server", []ruleCase{
		{"name", "always", "ForceNew: true", ""},              // helper function returning a schema, key from a constant of another package
		{"availability_zone", "always", "ForceNew: true", ""}, // package-level variable
		{"flavor", "always", "!isUpdatable (= true)", ""},     // computed flag from a constant
		{"disk_size", "always", "!updatable (= true)", ""},    // computed flag from an argument
		{"size", "conditional", "no ForceNew", ""},            // the argument makes it updatable; CustomizeDiff below
		{"labels", "always", "forceNew (= true)", ""},
		{"tags", "never", "no ForceNew", ""},
		{"old_name", "always", "ForceNew: true", ""},
		{"user_data_replace_on_change", "never", "Default: false", ""},
	})
	if a := attr(t, pf, "fakesdk_server", "old_name"); !a.Deprecated {
		t.Error("old_name: a deprecated attribute keeps its ForceNew and is marked deprecated")
	}
	if a := attr(t, pf, "fakesdk_server", "mode"); a.Default != "fast" || a.Replace != "always" {
		t.Errorf("mode: default %v replace %s, want \"fast\" always", a.Default, a.Replace)
	}
	// A constant built from other constants resolves through the names package.
	if a := attr(t, pf, "fakesdk_server", "user_data"); a.Type != "string" {
		t.Errorf("user_data (names.AttrUserData = attrPrefix + \"data\"): type %q", a.Type)
	}
}

func TestSDKv2MapMutationAndRunTimeFlags(t *testing.T) {
	pf := fakeSDK(t)
	checkRules(t, pf, "fakesdk_server", []ruleCase{
		{"image", "always", "set after the schema literal", ""},                        // s["image"].ForceNew = true
		{"tier", "conditional", "under a condition", `os.Getenv("FAKE_STRICT") != ""`}, // set only in an if the generator cannot evaluate
		{"description", "conditional", `os.Getenv("FAKE_LOCK") == ""`, "computed at run time"},
	})
	if _, ok := pf.Resources["fakesdk_server"].Attributes["removed"]; ok {
		t.Error("delete(s, \"removed\") must remove the attribute")
	}
	checkRules(t, pf, "fakesdk_late", []ruleCase{{"label", "always", "ForceNew: true", ""}}) // r.Schema["label"] = … after the literal
}

func TestRegistrationFromInitFunctions(t *testing.T) {
	pf := fakeSDK(t)
	// init() registers into a package-level registry; Provider() copies it into ResourcesMap.
	checkRules(t, pf, "fakesdk_registered", []ruleCase{{"topic", "always", "ForceNew: true", ""}})
}

func TestSDKv2BlockSemantics(t *testing.T) {
	pf := fakeSDK(t)
	disk := block(t, pf, "fakesdk_server", "disk")
	if disk.Replace != "on-add-remove" || disk.Nesting != "list" || disk.MaxItems == nil || *disk.MaxItems != 1 {
		t.Errorf("disk: ForceNew on an Elem *schema.Resource is on-add-remove, list, maxItems 1; got %+v", disk)
	}
	checkRules(t, pf, "fakesdk_server", []ruleCase{
		{"disk.encrypted", "always", "ForceNew: true", ""},
		{"cidrs", "always", "ForceNew: true", ""}, // a primitive list inherits the flag: any element change replaces
		{"network.subnet", "always", "ForceNew: true", ""},
		{"network.mtu", "never", "Default: 1500", ""},
		{"rule.port", "always", "ForceNew: true", ""}, // ConfigMode: SchemaConfigModeAttr → nested attribute
	})
	if a := attr(t, pf, "fakesdk_server", "cidrs"); a.Type != "list(string)" {
		t.Errorf("cidrs: type %q", a.Type)
	}
	network := block(t, pf, "fakesdk_server", "network")
	if network.Nesting != "set" || network.Replace != "never" || network.MinItems == nil || *network.MinItems != 1 {
		t.Errorf("network: Required set block → nesting set, never, minItems 1; got %+v", network)
	}
	if a := attr(t, pf, "fakesdk_server", "rule"); a.Nesting != "list" {
		t.Errorf("rule: SchemaConfigModeAttr must be a nested attribute, got %+v", a)
	}
	if a := attr(t, pf, "fakesdk_server", "addresses"); a.Type != "list(object({ip=string}))" || !a.Computed {
		t.Errorf("addresses: a computed-only list of objects is an attribute, got %+v", a)
	}
	to := block(t, pf, "fakesdk_server", "timeouts")
	if to.Nesting != "single" || to.Replace != "never" || len(to.Attributes) != 2 || to.Attributes["create"] == nil || to.Attributes["delete"] == nil {
		t.Errorf("timeouts: %+v", to)
	}
	if a := attr(t, pf, "fakesdk_server", "id"); a.Replace != "never" || !a.Computed || a.Source != "implicit id (SDK)" {
		t.Errorf("id: the SDK's implicit id, got %+v", a)
	}
}

func TestSDKv2OptionalComputedForceNew(t *testing.T) {
	pf := fakeSDK(t)
	a := attr(t, pf, "fakesdk_server", "availability_zone")
	// The analyzer derives "removing the argument keeps the state value" from these flags.
	if a.Replace != "always" || !a.Optional || !a.Computed || a.Default != nil {
		t.Errorf("availability_zone: Optional+Computed+ForceNew → always, optional, computed, no default; got %+v", a)
	}
}

func TestSDKv2CustomizeDiff(t *testing.T) {
	pf := fakeSDK(t)
	checkRules(t, pf, "fakesdk_server", []ruleCase{
		{"size", "conditional", `CustomizeDiff: customdiff.ForceNewIfChange("size", …)`, "new.(int) < old.(int)"},
		{"kind", "conditional", `customdiff.ForceNewIf("kind", …)`, `"dedicated"`},
		{"user_data", "conditional", `resourceServerCustomizeDiff → ForceNew("user_data")`, `d.Get("user_data_replace_on_change").(bool)`},
		// A key computed in the function (fmt.Sprintf) is resolved by running it; the index is dropped.
		{"disk.volume_type", "conditional", `ForceNew("disk.0.volume_type")`, "d.HasChange(key)"},
	})
	var found bool
	for _, c := range pf.Resources["fakesdk_server"].ConditionalReplacements {
		if len(c.Attributes) == 0 && strings.Contains(c.Condition, "forceNewDynamic") && strings.Contains(c.Condition, "could not resolve") {
			found = true
		}
	}
	if !found {
		t.Errorf("a ForceNew on a key known only at run time must be a resource-level entry: %+v", pf.Resources["fakesdk_server"].ConditionalReplacements)
	}
}

func TestSDKv2CustomizeDiffThroughTheProvidersOwnHelpers(t *testing.T) {
	pf := fakeSDK(t)
	// One literal in forceNewIfChange serves both keys; each gets its own condition.
	checkRules(t, pf, "fakesdk_volume", []ruleCase{
		{"tags", "conditional", `ForceNew("tags")`, "old != nil && new == nil"},
		// A predicate returning false early on a nil diff (known not nil) and true under a condition.
		{"iops", "conditional", `forceNewIf → ForceNew("iops")`, `d.Get("size").(int) > 100`},
		{"size", "always", `ForceNew("size")`, ""},
	})
	// A CustomizeDiff planning the value itself (SetNew): a default from the provider configuration.
	if n := attr(t, pf, "fakesdk_volume", "zone").Note; !strings.Contains(n, "defaultProviderZone plans this value itself (SetNew)") {
		t.Errorf("zone: the SetNew of a CustomizeDiff is noted: %q", n)
	}
	if c := attr(t, pf, "fakesdk_volume", "tags").Condition; strings.Contains(c, "new.(int) < old.(int)") {
		t.Errorf("tags has the condition of size: %s", c)
	}
	if !strings.Contains(attr(t, pf, "fakesdk_volume", "size").Source, "forceNewIfChange") {
		t.Error("size: an already replacing attribute keeps its rule and gains the CustomizeDiff in its source")
	}
}

func TestSDKv2AliasesAndDeprecatedResources(t *testing.T) {
	pf := fakeSDK(t)
	if pf.Aliases["fakesdk_instance"] != "fakesdk_server" {
		t.Errorf("two names for one schema: aliases %v", pf.Aliases)
	}
	if _, ok := pf.Resources["fakesdk_instance"]; ok {
		t.Error("an alias is not also a resource")
	}
	if !pf.Resources["fakesdk_legacy"].Deprecated {
		t.Error("fakesdk_legacy has a DeprecationMessage")
	}
	if pf.Provider.SDK != "sdkv2" {
		t.Errorf("sdk %q", pf.Provider.SDK)
	}
}

func TestBadInputIsNamedAndTheRestIsGenerated(t *testing.T) {
	pf := fakeSDK(t)
	c := pf.Coverage
	if len(c.FileErrors) != 1 || c.FileErrors[0].File != "internal/provider/broken.go" || !strings.Contains(c.FileErrors[0].Error, "broken.go:8") {
		t.Errorf("the unparsable file must be named with its position: %+v", c.FileErrors)
	}
	why := map[string]string{}
	for _, u := range c.CouldNotRead {
		why[u.Resource] = u.Why
	}
	if !strings.Contains(why["fakesdk_broken"], "could not be parsed") {
		t.Errorf("fakesdk_broken: %q", why["fakesdk_broken"])
	}
	if !strings.Contains(why["fakesdk_external"], "outside the source") {
		t.Errorf("fakesdk_external: %q", why["fakesdk_external"])
	}
	for _, name := range []string{"fakesdk_server", "fakesdk_volume", "fakesdk_legacy", "fakesdk_late", "fakesdk_registered"} {
		if pf.Resources[name] == nil {
			t.Errorf("%s must still be generated", name)
		}
	}
	if len(c.Unread) != 1 || c.Unread[0].Resource != "fakesdk_volume" || c.Unread[0].Path != "snapshot" {
		t.Errorf("an attribute built outside the source is listed as unread: %+v", c.Unread)
	}
	if c.Resources != 5 || c.Aliases != 1 {
		t.Errorf("coverage counts: %+v", c)
	}
}

func TestConstantsTable(t *testing.T) {
	with := fakeSDK(t)
	if a := attr(t, with, "fakesdk_volume", "kms_key_id"); a.Replace != "always" {
		t.Errorf("kms_key_id: %+v", a)
	}
	without := generateFake(t, GenerateOptions{Src: "testdata/sdkprovider", Meta: Meta{Source: "registry.terraform.io/fake/fakesdk", Version: "1.0.0"}})
	if _, ok := without.Resources["fakesdk_volume"].Attributes["kms_key_id"]; ok {
		t.Error("without the table the key cannot be known")
	}
	found := false
	for _, u := range without.Coverage.Unread {
		if u.Resource == "fakesdk_volume" && strings.Contains(u.Why, "extnames.AttrKMSKeyID") {
			found = true
		}
	}
	if !found {
		t.Errorf("the unresolved key must be reported: %+v", without.Coverage.Unread)
	}
}

func TestFrameworkPlanModifiersByIdentity(t *testing.T) {
	pf := fakeFramework(t)
	checkRules(t, pf, "fakefw_thing", []ruleCase{
		{"name", "always", "stringplanmodifier.RequiresReplace()", ""},
		{"zone", "if-configured", "stringplanmodifier.RequiresReplaceIfConfigured(), stringplanmodifier.UseStateForUnknown()", ""},
		{"size", "conditional", "int64planmodifier.RequiresReplaceIf(shrinks, …); Default: int64default.StaticInt64(10)", "the size shrinks"},
		{"labels", "conditional", "modifiers.ReplaceUnlessNull()", "Replaces unless the new value is null."}, // custom, sets RequiresReplace (through a helper)
		{"note", "never", "modifiers.KeepLower{}", ""},                                                       // custom, never sets RequiresReplace
		{"id", "never", "stringplanmodifier.UseStateForUnknown()", ""},
		{"old", "never", "no plan modifier", ""},
		{"settings.mode", "always", "stringplanmodifier.RequiresReplace()", ""},
		{"curve", "always", `Default: stringdefault.StaticString(P256.String())`, ""},
	})
	if a := attr(t, pf, "fakefw_thing", "zone"); !a.UseStateForUnknown || !a.Computed {
		t.Errorf("zone: %+v", a)
	}
	if a := attr(t, pf, "fakefw_thing", "size"); a.Default != int64(10) {
		t.Errorf("size: default %#v", a.Default)
	}
	if a := attr(t, pf, "fakefw_thing", "curve"); a.Default != "P256" {
		t.Errorf("curve: a method of a constant's type (P256.String()) is evaluated; default %#v", a.Default)
	}
	if a := attr(t, pf, "fakefw_thing", "old"); !a.Deprecated {
		t.Error("old: DeprecationMessage")
	}
	if a := attr(t, pf, "fakefw_thing", "secret"); !a.WriteOnly || !a.Sensitive {
		t.Errorf("secret: %+v", a)
	}
	for path, want := range map[string]string{"ports": "list(number)", "pairs": "map(list(string))", "labels": "map(string)"} {
		if a := attr(t, pf, "fakefw_thing", path); a.Type != want {
			t.Errorf("%s: type %q, want %q", path, a.Type, want)
		}
	}
	if a := attr(t, pf, "fakefw_thing", "settings"); a.Nesting != "single" {
		t.Errorf("settings: %+v", a)
	}
	b := block(t, pf, "fakefw_thing", "subject")
	if b.Replace != "always" || b.Nesting != "list" || b.MinItems == nil || *b.MinItems != 0 || b.MaxItems == nil || *b.MaxItems != 1 ||
		b.Source != "listplanmodifier.RequiresReplace() (ListNestedBlock; listvalidator.SizeBetween(0, 1))" {
		t.Errorf("subject: framework RequiresReplace on a block is always; got %+v", b)
	}
}

func TestFrameworkModifyPlan(t *testing.T) {
	pf := fakeFramework(t)
	checkRules(t, pf, "fakefw_thing", []ruleCase{
		{"tier", "conditional", "ModifyPlan adds RequiresReplace on tier", "level.ValueInt64() > 3"},
		{"level", "conditional", "read by ModifyPlan (ModifyPlan)", "reads it to decide whether tier requires replacement"},
	})
}

func TestFrameworkRegistrationMetadataAndDeprecation(t *testing.T) {
	pf := fakeFramework(t)
	if len(pf.Resources) != 2 || pf.Resources["fakefw_thing"] == nil || pf.Resources["fakefw_old_thing"] == nil {
		t.Fatalf("resources from Resources() + each Metadata (one through an embedded type): %v", sortedDeclNames(pf.Resources))
	}
	old := pf.Resources["fakefw_old_thing"]
	if !old.Deprecated {
		t.Error("fakefw_old_thing: schema DeprecationMessage")
	}
	if w := old.Blocks["wait"]; w == nil || w.Nesting != "single" || w.Replace != "never" || len(w.Attributes) != 4 {
		t.Errorf("timeouts.BlockAll: %+v", w)
	}
	if a := old.Attributes["timeouts"]; a == nil || a.Nesting != "single" || a.Replace != "never" || len(a.Attributes) != 2 || a.Attributes["create"] == nil || a.Attributes["delete"] == nil {
		t.Errorf("timeouts.Attributes with Opts{Create, Delete}: %+v", a)
	}
	if pf.Provider.SDK != "framework" || pf.Resources["fakefw_thing"].SourceFile != "internal/provider/resource_thing.go" {
		t.Errorf("sdk %q, sourceFile %q", pf.Provider.SDK, pf.Resources["fakefw_thing"].SourceFile)
	}
}

func TestServicePackagesInTheDeclarationIndexLayout(t *testing.T) {
	pf, problems := fakeIndexLayout(t, "")
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if pf.Aliases["fakeaws_widget"] != "fakeaws_wdgt" {
		t.Errorf("one Factory under two TypeNames is an alias: %v", pf.Aliases)
	}
	checkRules(t, pf, "fakeaws_wdgt", []ruleCase{
		{"name", "always", "ForceNew: true", ""},
		{"description", "never", "no ForceNew", ""},
		{"color", "always", "ForceNew: true", ""},              // key from a spec the index keeps without its keyword
		{"size", "always", "ForceNew: true", ""},               // sync.OnceValue
		{"label", "always", "ForceNew: required (= true)", ""}, // built once per key and cached in a sync.Map
		{"note", "never", "no ForceNew", ""},
		{"level", "always", "ForceNew: true", ""}, // an array filled in sync.Once.Do, its length max(…)
		{"tier", "always", "ForceNew: true", ""},  // a once-only value kept in an unnamed struct
	})
	// The one file that cannot be read: an iota continuation whose position the layout lost.
	if fe := pf.Coverage.FileErrors; len(fe) != 1 || !strings.HasSuffix(fe[0].File, "var.phaseSecond.goindex") || !strings.Contains(fe[0].Error, "iota continuation") {
		t.Errorf("every other file of the index layout parses: %+v", fe)
	}
	// A registration with the region override gets the `region` argument the provider injects.
	region := attr(t, pf, "fakeaws_wdgt", "region")
	if region.Replace != "conditional" || !strings.Contains(region.Condition, "except from unset to the provider's region") || !region.Optional || !region.Computed {
		t.Errorf("region of a regional resource: %+v", region)
	}
	if _, ok := pf.Resources["fakeaws_gizmo"].Attributes["region"]; ok {
		t.Error("a registration with the region override disabled has no injected region")
	}
	checkRules(t, pf, "fakeaws_gizmo", []ruleCase{{"name", "always", "stringplanmodifier.RequiresReplace()", ""}, {"id", "never", "UseStateForUnknown", ""}})
	if pf.Provider.SDK != "sdkv2" || pf.Resources["fakeaws_gizmo"].SDK != "framework" || pf.Resources["fakeaws_wdgt"].SDK != "" {
		t.Errorf("a muxed provider says sdkv2 and marks its framework resources: %q %q", pf.Provider.SDK, pf.Resources["fakeaws_gizmo"].SDK)
	}
}

func writeOverlay(t *testing.T, o any) string {
	t.Helper()
	data, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "overlay.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOverlayMergesHumanFactsAndReportsStaleEntries(t *testing.T) {
	good := writeOverlay(t, map[string]any{
		"overlayFormat": 1,
		"provider":      "registry.terraform.io/fake/fakeaws",
		"aliases":       map[string]string{"fakeaws_wdgt": "fakeaws_widget"},
		"resources": map[string]any{
			"fakeaws_widget": map[string]any{
				"set": map[string]any{"stateful": true, "statefulReason": "a widget holds data"},
				"paths": map[string]any{
					"name":        map[string]any{"set": map[string]any{"note": "a human note"}},
					"description": map[string]any{"expect": map[string]any{"replace": "never"}, "set": map[string]any{"replace": "conditional", "condition": "found by a real plan"}},
				},
				"conditionalReplacements": map[string]any{"add": []map[string]any{{"attributes": []string{}, "kind": "refresh", "condition": "it vanished"}}},
			},
			"*": map[string]any{"paths": map[string]any{"id": map[string]any{"set": map[string]any{"note": "every id"}}}},
		},
		"couldNotRead": []map[string]string{{"resource": "fakeaws_manifest", "why": "served by terraform-plugin-go; its schema comes from the server at run time"}},
	})
	pf, problems := fakeIndexLayout(t, good)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	w := pf.Resources["fakeaws_widget"]
	if w == nil || pf.Aliases["fakeaws_wdgt"] != "fakeaws_widget" {
		t.Fatalf("the overlay chooses the canonical name: %v %v", sortedDeclNames(pf.Resources), pf.Aliases)
	}
	if !w.Stateful || w.Attributes["name"].Note != "a human note" || w.Attributes["description"].Replace != "conditional" || len(w.ConditionalReplacements) != 1 {
		t.Errorf("overlay not merged: %+v", w)
	}
	if pf.Resources["fakeaws_gizmo"].Attributes["id"].Note != "every id" {
		t.Error("a * entry applies to every resource with the attribute")
	}
	if len(pf.Coverage.CouldNotRead) != 1 || pf.Coverage.CouldNotRead[0].Resource != "fakeaws_manifest" {
		t.Errorf("the overlay lists what the generator cannot see: %+v", pf.Coverage.CouldNotRead)
	}
	if !strings.Contains(pf.GeneratedBy, "overlay") {
		t.Errorf("generatedBy %q", pf.GeneratedBy)
	}

	stale := writeOverlay(t, map[string]any{
		"overlayFormat": 1,
		"resources": map[string]any{
			"fakeaws_wdgt": map[string]any{"paths": map[string]any{
				"name":        map[string]any{"expect": map[string]any{"replace": "never"}, "set": map[string]any{"replace": "conditional"}},
				"description": map[string]any{"set": map[string]any{"replace": "always"}},
				"gone":        map[string]any{"set": map[string]any{"note": "x"}},
			}},
			"fakeaws_missing": map[string]any{"set": map[string]any{"stateful": true}},
		},
	})
	pf, problems = fakeIndexLayout(t, stale)
	joined := strings.Join(problems, "\n")
	for _, want := range []string{
		`fakeaws_wdgt.name: expected replace "never", generated "always"`,
		"fakeaws_wdgt.description: sets replace, which the generator wrote, without expecting its generated value",
		"fakeaws_wdgt.gone: no such attribute or block",
		"fakeaws_missing: not generated",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing problem %q in:\n%s", want, joined)
		}
	}
	if pf.Resources["fakeaws_wdgt"].Attributes["name"].Replace != "always" || pf.Resources["fakeaws_wdgt"].Attributes["description"].Replace != "never" {
		t.Error("an overlay entry that does not apply must change nothing")
	}
	if len(pf.Coverage.Overlay) != len(problems) {
		t.Error("overlay problems are recorded in the coverage")
	}
}

func TestCompareFindsEveryFieldDifference(t *testing.T) {
	var a, b any
	_ = json.Unmarshal([]byte(`{"resources":{"x":{"attributes":{"p":{"replace":"always","note":"n"}},"conditionalReplacements":[{"condition":"c"}]}},"generatedBy":"g"}`), &a)
	_ = json.Unmarshal([]byte(`{"generatedBy":"g","resources":{"x":{"conditionalReplacements":[{"condition":"d"}],"attributes":{"p":{"replace":"never"}}}}}`), &b)
	diffs := Diff(a, b)
	got := []string{}
	for _, d := range diffs {
		got = append(got, formatDifference(d))
	}
	want := []string{
		`resources.x.attributes.p.note: generated "n", hand-made "(absent)"`,
		`resources.x.attributes.p.replace: generated "always", hand-made "never"`,
		`resources.x.conditionalReplacements[0].condition: generated "c", hand-made "d"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	unexplained, stale := CheckExplained(diffs, &Explained{Differences: []Difference{
		{Path: "resources.x.attributes.p.note", Generated: "n", HandMade: absent, Why: "a reason"},
		{Path: "resources.x.gone", Generated: 1, HandMade: 2, Why: "no longer true"},
	}})
	if len(unexplained) != 2 || len(stale) != 1 || stale[0].Path != "resources.x.gone" {
		t.Errorf("unexplained %v, stale %v", unexplained, stale)
	}
}

func TestIndexIsRebuiltFromTheProviderFiles(t *testing.T) {
	idx, err := BuildIndex("../../data/terraform-providers")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(idx)
	want, err := os.ReadFile("../../data/terraform-providers/index.json")
	if err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(got, want) {
		t.Errorf("the committed index.json differs from the one rebuilt from the provider files:\n%s", got)
	}
}

// A provider of data sources only returns nil from Resources: no resources, and nothing "not read".
func TestFrameworkProviderWithoutResources(t *testing.T) {
	pf := generateFake(t, GenerateOptions{Src: "testdata/datasourcesonly", Meta: Meta{Source: "registry.terraform.io/fake/fakedata", Version: "1.0.0"}})
	if len(pf.Resources) != 0 {
		t.Errorf("resources: %v", sortedDeclNames(pf.Resources))
	}
	if pf.Coverage == nil || len(pf.Coverage.CouldNotRead) != 0 {
		t.Errorf("coverage: %+v", pf.Coverage)
	}
}

func TestForceNewIfConditionWording(t *testing.T) {
	parse := func(src string) ast.Expr {
		e, err := parser.ParseExpr(src)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	short := parse(`func(ctx context.Context, old, new, meta any) bool { return new.(int) < old.(int) }`)
	if got, want := forceNewIfCondition("ForceNewIfChange", short, ""), "new.(int) < old.(int) (customdiff.ForceNewIfChange, given the old and new values)"; got != want {
		t.Errorf("one return statement: got %q, want %q", got, want)
	}
	// A predicate that asks the cloud API (aws_instance's instance_type) is not rendered as Go source.
	long := parse(`func(ctx context.Context, d *schema.ResourceDiff, meta any) bool { conn := meta.(*conns.AWSClient).EC2Client(ctx); _, err := conn.Describe(ctx); return err != nil }`)
	got := forceNewIfCondition("ForceNewIf", long, "")
	if want := "the provider's own check in its CustomizeDiff (customdiff.ForceNewIf, a function of 3 statements, not evaluated here) returns true"; got != want {
		t.Errorf("a longer function literal: got %q, want %q", got, want)
	}
	if got, want := forceNewIfCondition("ForceNewIf", parse(`instanceTypeChangeNeedsReplacement`), "instanceTypeChangeNeedsReplacement"), "customdiff.ForceNewIf: instanceTypeChangeNeedsReplacement returns true"; got != want {
		t.Errorf("a named function: got %q, want %q", got, want)
	}
}
