// Command localcluster is every process of the local test control plane in
// one binary: linking etcd, the three kube components and kwok together lets
// Go compile the large shared dependency tree (client-go, apiserver, api)
// once instead of five times, which is what keeps the cold build short.
//
// Usage: localcluster <etcd|kube-apiserver|kube-controller-manager|kube-scheduler|kwok> [flags...]
package main

import (
	"fmt"
	"os"

	"github.com/spf13/pflag"
	etcdmain "go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	// The upstream kube main packages register these side effects; without
	// them --logging-format=json and the version/client-go metrics are missing.
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kwokconfig "sigs.k8s.io/kwok/pkg/config"
	kwokcmd "sigs.k8s.io/kwok/pkg/kwok/cmd"
	kwoklog "sigs.k8s.io/kwok/pkg/log"
	"sigs.k8s.io/kwok/pkg/utils/signals"
	// CronJob time zones must resolve even where the host has no zoneinfo.
	_ "time/tzdata"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: localcluster <etcd|kube-apiserver|kube-controller-manager|kube-scheduler|kwok> [flags...]")
		os.Exit(2)
	}
	component := os.Args[1]
	// Every component parses os.Args itself (kwok even reads os.Args[1:]
	// directly before cobra runs), so drop our dispatch word and present the
	// argv each one would see as a standalone binary.
	os.Args = append([]string{component}, os.Args[2:]...)

	switch component {
	case "etcd":
		etcdmain.Main(os.Args)
	case "kube-apiserver":
		os.Exit(cli.Run(apiserver.NewAPIServerCommand()))
	case "kube-controller-manager":
		os.Exit(cli.Run(controllermanager.NewControllerManagerCommand()))
	case "kube-scheduler":
		os.Exit(cli.Run(scheduler.NewSchedulerCommand()))
	case "kwok":
		os.Exit(runKwok())
	default:
		fmt.Fprintf(os.Stderr, "unknown component %q\n", component)
		os.Exit(2)
	}
}

// runKwok wires kwok's own flag/config/log initialisation before its cobra
// command, because kwok loads its configuration (Stages) from --config during
// that pre-parse, not inside the command.
func runKwok() int {
	// Linking the kube components registers their global flags (notably
	// component-base's "--version", a non-bool flag) on pflag.CommandLine at
	// init time. cobra merges pflag.CommandLine into kwok's root command, and
	// kwok's own bool --version then fails to parse, so give kwok the empty
	// global flag set it would have as a standalone binary.
	pflag.CommandLine = pflag.NewFlagSet(os.Args[0], pflag.ExitOnError)

	global := pflag.NewFlagSet("kwok-global", pflag.ContinueOnError)
	// The pre-parse sees the command's flags too; they are handled later.
	global.ParseErrorsAllowlist.UnknownFlags = true
	global.Usage = func() {}

	ctx := signals.SetupSignalContext()
	ctx, logger := kwoklog.InitFlags(ctx, global)
	ctx, err := kwokconfig.InitFlags(ctx, global)
	if err != nil {
		logger.Error("kwok config flags", "err", err)
		return 1
	}
	command := kwokcmd.NewCommand(ctx)
	command.PersistentFlags().AddFlagSet(global)
	if err := command.ExecuteContext(ctx); err != nil {
		logger.Error("kwok exited", "err", err)
		return 1
	}
	return 0
}
