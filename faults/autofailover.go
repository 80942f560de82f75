package faults

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a pg_auto_failover formation in a temp dir: a monitor and two
// Postgres nodes (primary + synchronous standby) on local ports. Used by
// `bench failover`; never touches the shared server on 5432.
type Cluster struct {
	Dir   string
	Ports [2]int
	mport int
	procs map[int]*exec.Cmd // node port -> its pg_autoctl process group
	mon   *exec.Cmd
	log   io.Writer
}

// AutoFailoverAvailable explains what is missing to run a Cluster, or "".
func AutoFailoverAvailable() string {
	if _, err := exec.LookPath("pg_autoctl"); err != nil {
		return "pg_autoctl not found: apt-get install postgresql-15-auto-failover"
	}
	if pgBin() == "" {
		return "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
	}
	return ""
}

func pgBin() string {
	m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(m) == 0 {
		return ""
	}
	return filepath.Dir(m[len(m)-1])
}

// StartCluster creates and runs the monitor (port base) and two nodes
// (base+1, base+2) in dir. Postgres refuses to run as root, so as root
// every pg_autoctl runs as the postgres user (runuser).
func StartCluster(dir string, base int, log io.Writer) (*Cluster, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		exec.Command("chown", "postgres:postgres", dir).Run()
	}
	c := &Cluster{Dir: dir, Ports: [2]int{base + 1, base + 2}, mport: base, procs: map[int]*exec.Cmd{}, log: log}
	var err error
	if c.mon, err = c.run("create", "monitor", "--pgdata", filepath.Join(dir, "monitor"), "--pgport", fmt.Sprint(base)); err != nil {
		return nil, err
	}
	mon := fmt.Sprintf("postgres://autoctl_node@127.0.0.1:%d/pg_auto_failover?sslmode=disable", base)
	for i, p := range c.Ports {
		time.Sleep(3 * time.Second) // the first node becomes the primary
		cmd, err := c.run("create", "postgres", "--pgdata", filepath.Join(dir, fmt.Sprintf("node%d", i+1)),
			"--pgport", fmt.Sprint(p), "--monitor", mon, "--dbname", "doseloop")
		if err != nil {
			c.Stop()
			return nil, err
		}
		c.procs[p] = cmd
	}
	return c, nil
}

// run starts `pg_autoctl <args> --run` in a process group of its own.
func (c *Cluster) run(args ...string) (*exec.Cmd, error) {
	args = append(args, "--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl", "--run")
	env := []string{"PATH=" + pgBin() + ":/usr/bin:/bin", "XDG_CONFIG_HOME=" + filepath.Join(c.Dir, "config"),
		"XDG_DATA_HOME=" + filepath.Join(c.Dir, "data"), "HOME=" + c.Dir}
	argv := append([]string{"env"}, env...)
	argv = append(argv, append([]string{"pg_autoctl"}, args...)...)
	if os.Geteuid() == 0 {
		argv = append([]string{"runuser", "-u", "postgres", "--"}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = c.Dir, c.log, c.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd, cmd.Start()
}

// URI is the multi-host connection string: libpq-style host list, and
// target_session_attrs=read-write so the pool only accepts the primary.
func (c *Cluster) URI() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d,127.0.0.1:%d/doseloop?target_session_attrs=read-write&sslmode=disable&connect_timeout=3",
		c.Ports[0], c.Ports[1])
}

// NodeState is what one node says about itself.
type NodeState struct {
	Port        int
	Up, Standby bool
	SyncNames   string
}

// State asks each node whether it is in recovery and whom it waits for.
func (c *Cluster) State(ctx context.Context) []NodeState {
	var out []NodeState
	for _, p := range c.Ports {
		s := NodeState{Port: p}
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(cctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/doseloop?sslmode=disable", p))
		if err == nil {
			s.Up = conn.QueryRow(cctx, `SELECT pg_is_in_recovery(), current_setting('synchronous_standby_names')`).
				Scan(&s.Standby, &s.SyncNames) == nil
			conn.Close(cctx)
		}
		cancel()
		out = append(out, s)
	}
	return out
}

// WaitSynchronous waits until one node is a primary that waits for a
// synchronous standby and the other is that standby; it returns the
// primary's port and its synchronous_standby_names.
func (c *Cluster) WaitSynchronous(ctx context.Context, limit time.Duration) (int, string, error) {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(time.Second) {
		st := c.State(ctx)
		for i, s := range st {
			o := st[1-i]
			if s.Up && !s.Standby && s.SyncNames != "" && o.Up && o.Standby {
				return s.Port, s.SyncNames, nil
			}
			if s.Up && !s.Standby {
				// The standby's pg_basebackup waits for a spread checkpoint
				// (minutes on an idle primary); an immediate one hurries it.
				c.exec(ctx, s.Port, "CHECKPOINT")
			}
		}
	}
	return 0, "", fmt.Errorf("no primary with a synchronous standby after %s: %+v", limit, c.State(ctx))
}

// exec runs one statement on the node on port, ignoring errors.
func (c *Cluster) exec(ctx context.Context, port int, sql string) {
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/doseloop?sslmode=disable", port))
	if err == nil {
		conn.Exec(cctx, sql)
		conn.Close(cctx)
	}
}

// WaitPrimary waits until the node on port accepts writes.
func (c *Cluster) WaitPrimary(ctx context.Context, port int, limit time.Duration) error {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		for _, s := range c.State(ctx) {
			if s.Port == port && s.Up && !s.Standby {
				return nil
			}
		}
	}
	return fmt.Errorf("node %d was not promoted within %s", port, limit)
}

// Kill SIGKILLs the node on port: its pg_autoctl keeper and its postmaster,
// as if the machine died.
func (c *Cluster) Kill(port int) error {
	cmd := c.procs[port]
	if cmd == nil {
		return errors.New("no such node")
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	for i, p := range c.Ports {
		if p == port {
			killPostmaster(filepath.Join(c.Dir, fmt.Sprintf("node%d", i+1)))
		}
	}
	cmd.Wait()
	delete(c.procs, port)
	return nil
}

// Stop ends every process of the cluster (nodes first, then the monitor).
func (c *Cluster) Stop() {
	for p := range c.procs {
		c.Kill(p)
	}
	if c.mon != nil {
		syscall.Kill(-c.mon.Process.Pid, syscall.SIGTERM)
		c.mon.Wait()
	}
	killPostmaster(filepath.Join(c.Dir, "monitor"))
}

// killPostmaster SIGKILLs the postmaster whose pid file is in pgdata (the
// process this cluster started there), if it still runs.
func killPostmaster(pgdata string) {
	b, err := os.ReadFile(filepath.Join(pgdata, "postmaster.pid"))
	if err != nil {
		return
	}
	var pid int
	fmt.Sscan(strings.SplitN(string(b), "\n", 2)[0], &pid)
	if pid > 0 {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}
