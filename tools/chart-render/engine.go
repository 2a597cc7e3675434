package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

// chartMeta is .Chart: the fields of Chart.yaml under the names Helm gives them in templates.
type chartMeta struct {
	APIVersion   string   `json:"apiVersion"`
	Name         string   `json:"name"`
	Version      string   `json:"version"`
	AppVersion   string   `json:"appVersion"`
	Description  string   `json:"description"`
	Type         string   `json:"type"`
	KubeVersion  string   `json:"kubeVersion"`
	Home         string   `json:"home"`
	Sources      []string `json:"sources"`
	Keywords     []string `json:"keywords"`
	Icon         string   `json:"icon"`
	Deprecated   bool     `json:"deprecated"`
	Dependencies []struct {
		Name string `json:"name"`
	} `json:"dependencies"`
}

type releaseInfo struct {
	Name      string
	Namespace string
	Service   string
	IsInstall bool
	IsUpgrade bool
	Revision  int
}

type kubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

func (k kubeVersion) String() string { return k.Version }

// versionSet is .Capabilities.APIVersions: "group/version" and "group/version/Kind" entries.
type versionSet []string

func (v versionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

type capabilities struct {
	KubeVersion kubeVersion
	APIVersions versionSet
}

// files is .Files: the chart's own files (not templates/, crds/ or Chart.yaml), read on demand.
type files struct{ root string }

func (f files) Get(name string) string {
	clean := path.Clean("/" + name)[1:]
	data, err := os.ReadFile(filepath.Join(f.root, filepath.FromSlash(clean)))
	if err != nil {
		return ""
	}
	return string(data)
}

// builtInAPIVersions are the group versions every supported cluster serves; a chart asks
// .Capabilities for the optional ones (monitoring.coreos.com/v1), which --api-versions adds.
var builtInAPIVersions = []string{
	"v1", "apps/v1", "autoscaling/v1", "autoscaling/v2", "batch/v1", "coordination.k8s.io/v1",
	"discovery.k8s.io/v1", "events.k8s.io/v1", "networking.k8s.io/v1", "policy/v1",
	"rbac.authorization.k8s.io/v1", "apiextensions.k8s.io/v1", "admissionregistration.k8s.io/v1",
	"scheduling.k8s.io/v1", "storage.k8s.io/v1",
}

type renderedFile struct {
	name    string // chart-relative, e.g. model-operator/templates/rbac.yaml
	content string
}

func render(o options) (string, error) {
	var meta chartMeta
	if err := readYAMLInto(filepath.Join(o.chartDir, "Chart.yaml"), &meta); err != nil {
		return "", err
	}
	if meta.APIVersion != "v2" {
		return "", fmt.Errorf("Chart.yaml: apiVersion %q is not supported (only v2)", meta.APIVersion)
	}
	if meta.Name == "" || meta.Version == "" {
		return "", errors.New("Chart.yaml: name and version are required")
	}
	if len(meta.Dependencies) > 0 {
		return "", errors.New("Chart.yaml: dependencies (subcharts) are not supported by this renderer")
	}

	values, err := readYAMLMap(filepath.Join(o.chartDir, "values.yaml"))
	if err != nil {
		return "", err
	}
	for _, file := range o.valueFiles {
		override, err := readYAMLMap(file)
		if err != nil {
			return "", err
		}
		values = coalesce(values, override)
	}
	for _, s := range o.sets {
		if err := applySet(values, s); err != nil {
			return "", err
		}
	}

	major, minor, err := splitKubeVersion(o.kubeVersion)
	if err != nil {
		return "", err
	}
	top := map[string]interface{}{
		"Values":  values,
		"Chart":   meta,
		"Release": releaseInfo{Name: o.release, Namespace: o.namespace, Service: "Helm", IsInstall: true, Revision: 1},
		"Capabilities": capabilities{
			KubeVersion: kubeVersion{Version: o.kubeVersion, Major: major, Minor: minor, GitVersion: o.kubeVersion},
			APIVersions: append(append(versionSet{}, builtInAPIVersions...), o.apiVersions...),
		},
		"Files": files{root: o.chartDir},
	}

	rendered, err := renderTemplates(meta.Name, filepath.Join(o.chartDir, "templates"), top)
	if err != nil {
		return "", err
	}

	var out strings.Builder
	if o.includeCRDs {
		crds, err := readCRDs(meta.Name, filepath.Join(o.chartDir, "crds"))
		if err != nil {
			return "", err
		}
		for _, c := range crds {
			fmt.Fprintf(&out, "---\n# Source: %s\n%s", c.name, ensureNewline(c.content))
		}
	}
	docs, err := splitManifests(rendered)
	if err != nil {
		return "", err
	}
	for _, d := range docs {
		fmt.Fprintf(&out, "---\n# Source: %s\n%s", d.source, ensureNewline(d.body))
	}
	return out.String(), nil
}

// renderTemplates parses every file under templates/ into one set (so that every file sees every
// define) and executes the ones whose names do not start with '_', skipping NOTES.txt.
func renderTemplates(chartName, dir string, top map[string]interface{}) ([]renderedFile, error) {
	var paths []string
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !info.IsDir() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)

	root := template.New("gotpl")
	// Helm renders a missing key as an empty value instead of failing (and strips "<no value>").
	root.Option("missingkey=zero")
	root.Funcs(funcMap(root))
	names := make([]string, 0, len(paths))
	for _, p := range paths {
		rel, _ := filepath.Rel(dir, p)
		name := path.Join(chartName, "templates", filepath.ToSlash(rel))
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if _, err := root.New(name).Parse(string(data)); err != nil {
			return nil, fmt.Errorf("parse error in %s", strings.TrimPrefix(err.Error(), "template: "))
		}
		names = append(names, name)
	}

	var out []renderedFile
	for _, name := range names {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" {
			continue
		}
		// Each file gets its own .Template, as Helm gives it.
		data := map[string]interface{}{}
		for k, v := range top {
			data[k] = v
		}
		data["Template"] = map[string]interface{}{"Name": name, "BasePath": path.Join(chartName, "templates")}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return nil, cleanExecError(err)
		}
		out = append(out, renderedFile{name: name, content: strings.ReplaceAll(buf.String(), "<no value>", "")})
	}
	return out, nil
}

// funcMap is sprig's text function map without env/expandenv (Helm removes them), plus Helm's own.
func funcMap(root *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	includeDepth := map[string]int{}
	f["include"] = func(name string, data interface{}) (string, error) {
		// Helm bounds recursion so a self-including template fails instead of hanging.
		if includeDepth[name] > 1000 {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
		}
		includeDepth[name]++
		defer func() { includeDepth[name]-- }()
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return "", err
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	f["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil {
			return nil, errors.New(message)
		}
		if s, ok := value.(string); ok && s == "" {
			return nil, errors.New(message)
		}
		return value, nil
	}
	f["fail"] = func(message string) (string, error) { return "", errors.New(message) }
	f["toYaml"] = func(v interface{}) string {
		data, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(data), "\n")
	}
	f["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["fromYamlArray"] = func(s string) []interface{} {
		a := []interface{}{}
		if err := yaml.Unmarshal([]byte(s), &a); err != nil {
			a = []interface{}{err.Error()}
		}
		return a
	}
	f["toJson"] = func(v interface{}) string {
		data, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(data)
	}
	f["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	// Like `helm template`, there is no cluster to look in: lookup finds nothing.
	f["lookup"] = func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	return f
}

// cleanExecError turns text/template's "template: name:line:col: executing ... error calling
// required: msg" into Helm's shape "execution error at (name:line:col): msg".
func cleanExecError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "template: ")
	if i := strings.Index(msg, ": executing "); i > 0 {
		location := msg[:i]
		rest := msg[i:]
		if j := strings.LastIndex(rest, "error calling "); j >= 0 {
			rest = rest[j+len("error calling "):]
			if k := strings.Index(rest, ": "); k >= 0 {
				rest = rest[k+2:]
			}
			return fmt.Errorf("execution error at (%s): %s", location, rest)
		}
	}
	return errors.New(msg)
}

func readYAMLInto(file string, into interface{}) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

func readCRDs(chartName, dir string) ([]renderedFile, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []renderedFile
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, renderedFile{name: path.Join(chartName, "crds", e.Name()), content: string(data)})
	}
	return out, nil
}

func splitKubeVersion(v string) (string, string, error) {
	parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return "", "", fmt.Errorf("--kube-version %q: want vMAJOR.MINOR[.PATCH]", v)
	}
	return parts[0], parts[1], nil
}

func ensureNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}
