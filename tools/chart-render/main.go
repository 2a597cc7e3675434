// Command chart-render renders a Helm chart the way `helm template` does, for the subset of Helm
// that charts/model-operator uses. It is not Helm: it is Helm's template engine (Go text/template)
// with the same function library (sprig plus Helm's own include, tpl, required, toYaml, ...), so a
// chart that renders here renders the same under Helm. See README.md for what it leaves out.
//
// Usage: chart-render [flags] RELEASE_NAME CHART_DIR
package main

import (
	"fmt"
	"os"
	"strings"
)

type options struct {
	release     string
	chartDir    string
	namespace   string
	valueFiles  []string
	sets        []string
	includeCRDs bool
	apiVersions []string
	kubeVersion string
}

const usage = `usage: chart-render [flags] RELEASE_NAME CHART_DIR
  -n, --namespace NS        release namespace (default "default")
  -f, --values FILE         merge a values file over the chart's values.yaml (repeatable; later wins)
      --set a.b=c[,d=e]     set values on the command line (repeatable; wins over --values)
      --include-crds        emit the chart's crds/ files first
  -a, --api-versions G/V    add an API version (or G/V/Kind) to .Capabilities.APIVersions (repeatable)
      --kube-version V      .Capabilities.KubeVersion (default v1.32.0)
`

func parseArgs(args []string) (options, error) {
	o := options{namespace: "default", kubeVersion: "v1.32.0"}
	var positional []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		name, value, hasValue := strings.Cut(arg, "=")
		if !strings.HasPrefix(arg, "-") {
			positional = append(positional, arg)
			continue
		}
		next := func() (string, error) {
			if hasValue {
				return value, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("flag %s needs a value", name)
			}
			i++
			return args[i], nil
		}
		var err error
		var v string
		switch name {
		case "-n", "--namespace":
			v, err = next()
			o.namespace = v
		case "-f", "--values":
			v, err = next()
			o.valueFiles = append(o.valueFiles, v)
		case "--set":
			v, err = next()
			o.sets = append(o.sets, v)
		case "--include-crds":
			o.includeCRDs = true
		case "-a", "--api-versions":
			v, err = next()
			o.apiVersions = append(o.apiVersions, v)
		case "--kube-version":
			v, err = next()
			o.kubeVersion = v
		case "-h", "--help":
			return o, errHelp
		default:
			return o, fmt.Errorf("unknown flag %s", arg)
		}
		if err != nil {
			return o, err
		}
	}
	if len(positional) != 2 {
		return o, fmt.Errorf("want RELEASE_NAME and CHART_DIR, got %d arguments", len(positional))
	}
	o.release, o.chartDir = positional[0], positional[1]
	return o, nil
}

var errHelp = fmt.Errorf("help")

func main() {
	o, err := parseArgs(os.Args[1:])
	if err == errHelp {
		fmt.Print(usage)
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n%s", err, usage)
		os.Exit(2)
	}
	out, err := render(o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
	fmt.Print(out)
}
