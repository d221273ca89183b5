// validate-dashboard: strictly decodes Grafana dashboard JSON files with the types of the Grafana
// Foundation SDK (generated from Grafana's own schemas) and validates them: an unknown field, a wrong
// type, a missing required field or an invalid panel option fails with the path of the fault. Run by
// test/dashboards/dashboard.test.ts; built and cached by build.sh like the local control plane.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// failed reports whether err holds a fault: UnmarshalJSONStrict returns a typed-nil (empty)
// cog.BuildErrors on success, which is a non-nil error interface.
func failed(err error) bool {
	var build cog.BuildErrors
	if errors.As(err, &build) {
		return len(build) > 0
	}
	return err != nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: validate-dashboard FILE.json...")
		os.Exit(2)
	}
	// Panel options and queries are decoded by the plugin of their type (timeseries, table, prometheus ...).
	plugins.RegisterDefaultPlugins()
	bad := 0
	for _, path := range os.Args[1:] {
		raw, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			bad++
			continue
		}
		var board dashboard.Dashboard
		if err := board.UnmarshalJSONStrict(raw); failed(err) {
			fmt.Fprintf(os.Stderr, "%s: strict decoding failed:\n%v\n", path, err)
			bad++
			continue
		}
		if err := board.Validate(); failed(err) {
			fmt.Fprintf(os.Stderr, "%s: validation failed:\n%v\n", path, err)
			bad++
			continue
		}
		title := ""
		if board.Title != nil {
			title = *board.Title
		}
		fmt.Printf("%s: ok (%q, schemaVersion %d, %d panels)\n", path, title, board.SchemaVersion, len(board.Panels))
	}
	if bad > 0 {
		os.Exit(1)
	}
}
