package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/engine"
	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters/rules"
)

func newRulesCmd(stdin io.Reader, stdout io.Writer) *cobra.Command {
	var c Config
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Show the active tagging rules, or which rule tags which line",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().StringArrayVar(&c.RuleFiles, "rules", nil, "extra rule file (YAML); may be repeated")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the active rules: built-in, rules.d and --rules files, in the order they are tried",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			set, err := c.loadRules()
			if err != nil {
				return err
			}
			return listRules(stdout, set)
		},
	}
	test := &cobra.Command{
		Use:   "test FILE",
		Short: "Decode FILE (or - for stdin) and show, for each line, its categories, the rules that fired and what they captured",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := c.loadRules()
			if err != nil {
				return err
			}
			return testRules(cmd.Context(), stdout, stdin, set, args[0])
		},
	}
	cmd.AddCommand(list, test)
	return cmd
}

// listRules prints one rule a line.
func listRules(w io.Writer, set *rules.Set) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCATEGORIES\tSCOPE\tCONTROL\tDEFINED AT\tDESCRIPTION")
	for _, r := range set.Rules() {
		scope := strings.Join(r.Apps, ",")
		switch {
		case scope == "" && len(r.Formats) > 0:
			scope = "format:" + strings.Join(r.Formats, ",")
		case scope == "" && r.AnyApp:
			scope = "any program"
		}
		id := r.ID
		if r.Disabled {
			id += " (disabled)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s:%d\t%s\n", id, strings.Join(r.Categories, ","), scope, r.Control, r.File, r.Line, r.Description)
	}
	return tw.Flush()
}

// testRules decodes a file with the real pipeline and explains the tagging
// of every line.
func testRules(ctx context.Context, w io.Writer, stdin io.Reader, set *rules.Set, spec string) error {
	srcs, err := openSources([]string{spec}, stdin, openOptions{})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan []event.Event, 16)
	done := make(chan error, 1)
	go func() { done <- engine.New(engine.Options{}).Run(ctx, srcs, ch) }()
	bw := bufio.NewWriter(w)
	n, tagged := 0, 0
	for batch := range ch {
		for i := range batch {
			e := &batch[i]
			n++
			steps := set.Explain(e)
			fmt.Fprintf(bw, "%d: %s %s: %s\n", n, e.Format, e.App, e.Message)
			if len(e.Categories) == 0 {
				fmt.Fprintln(bw, "   no category")
			} else {
				tagged++
				fmt.Fprintf(bw, "   categories: %s\n", strings.Join(e.Categories, " "))
			}
			for _, st := range steps {
				if !st.Fired {
					continue
				}
				fmt.Fprintf(bw, "   rule %s (%s:%d, NZISM %s)", st.Rule.ID, st.Rule.File, st.Rule.Line, st.Rule.Control)
				for _, c := range st.Captures {
					fmt.Fprintf(bw, " %s=%s", c.Field, c.Value)
					if !c.Stored {
						fmt.Fprint(bw, " (kept the decoder's)")
					}
				}
				fmt.Fprintln(bw)
			}
		}
	}
	if err := <-done; err != nil {
		return err
	}
	fmt.Fprintf(bw, "%d lines, %d with a category, %d rules active\n", n, tagged, activeRules(set))
	return bw.Flush()
}

func activeRules(set *rules.Set) int {
	n := 0
	for _, r := range set.Rules() {
		if !r.Disabled {
			n++
		}
	}
	return n
}
