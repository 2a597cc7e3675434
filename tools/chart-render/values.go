package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// readYAMLMap reads a YAML mapping the way Helm does (through JSON: numbers become float64).
func readYAMLMap(path string) (map[string]interface{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// coalesce merges override into base (both may be changed): maps merge deeply, anything else is
// replaced, and an explicit null in override removes the key, as Helm's value coalescing does.
func coalesce(base, override map[string]interface{}) map[string]interface{} {
	if base == nil {
		base = map[string]interface{}{}
	}
	for k, v := range override {
		if v == nil {
			delete(base, k)
			continue
		}
		if vm, ok := v.(map[string]interface{}); ok {
			if bm, ok := base[k].(map[string]interface{}); ok {
				base[k] = coalesce(bm, vm)
				continue
			}
		}
		base[k] = v
	}
	return base
}

// applySet applies one --set argument: comma-separated a.b.c=value pairs. Values are typed as
// Helm's strvals types them: true/false are booleans, null removes the key, whole numbers are
// int64, {x,y} is a list of strings; everything else is a string. "\," and "\." escape.
func applySet(values map[string]interface{}, arg string) error {
	for _, pair := range splitUnescaped(arg, ',', true) {
		if pair == "" {
			continue
		}
		key, raw, ok := strings.Cut(pair, "=")
		if !ok {
			return fmt.Errorf("--set %q: %q has no '='", arg, pair)
		}
		path := splitUnescaped(key, '.', false)
		for i := range path {
			path[i] = unescape(path[i])
			if path[i] == "" {
				return fmt.Errorf("--set %q: empty key segment in %q", arg, key)
			}
		}
		node := values
		for _, segment := range path[:len(path)-1] {
			child, ok := node[segment].(map[string]interface{})
			if !ok {
				child = map[string]interface{}{}
				node[segment] = child
			}
			node = child
		}
		last := path[len(path)-1]
		value := typedValue(raw)
		if value == nil {
			delete(node, last)
		} else {
			node[last] = value
		}
	}
	return nil
}

func typedValue(raw string) interface{} {
	if strings.HasPrefix(raw, "{") && strings.HasSuffix(raw, "}") {
		list := []interface{}{}
		for _, item := range strings.Split(raw[1:len(raw)-1], ",") {
			if item != "" {
				list = append(list, unescape(item))
			}
		}
		return list
	}
	switch raw {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	// Like strvals: a leading zero keeps a number-looking value a string ("0123").
	if raw == "0" || (raw != "" && raw[0] != '0' && raw[0] != '+') {
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return n
		}
	}
	return unescape(raw)
}

// splitUnescaped splits s at sep except where sep follows a backslash; with braces it also keeps
// separators inside {...} (a list value).
func splitUnescaped(s string, sep byte, braces bool) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++
		case braces && s[i] == '{':
			depth++
		case braces && s[i] == '}' && depth > 0:
			depth--
		case s[i] == sep && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func unescape(s string) string {
	return strings.NewReplacer(`\,`, ",", `\.`, ".", `\\`, `\`).Replace(s)
}
