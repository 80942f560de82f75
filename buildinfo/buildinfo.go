// Package buildinfo says which DoseLoop this binary is: the release version
// set at link time and the VCS revision Go records in every module build.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is the release version, set at link time:
//
//	go build -ldflags "-X github.com/doseloop/doseloop/buildinfo.Version=1.2.0" ./server
//
// It stays "dev" for builds from a checkout.
var Version = "dev"

// Info describes the running binary.
type Info struct {
	Version   string `json:"version"`
	Revision  string `json:"revision"`   // VCS commit, "unknown" outside a checkout
	Time      string `json:"time"`       // commit time (RFC 3339), "" when unknown
	Modified  bool   `json:"modified"`   // built from a work tree with uncommitted changes
	GoVersion string `json:"go_version"` // the toolchain that built it
}

// Get reads the build information once per call; it is cheap.
func Get() Info {
	in := Info{Version: Version, Revision: "unknown", GoVersion: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return in
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Revision = s.Value
		case "vcs.time":
			in.Time = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
	}
	return in
}

// Short is the revision cut to 12 characters, with "+dirty" for a modified tree.
func (in Info) Short() string {
	r := in.Revision
	if len(r) > 12 {
		r = r[:12]
	}
	if in.Modified {
		r += "+dirty"
	}
	return r
}

// String is the one-line form `doseloop version` prints.
func (in Info) String() string {
	return fmt.Sprintf("doseloop %s (revision %s, %s, %s)", in.Version, in.Short(), orUnknown(in.Time), in.GoVersion)
}

// ServerHeader is the value of the Server response header.
func (in Info) ServerHeader() string { return "DoseLoop/" + in.Version }

func orUnknown(s string) string {
	if s == "" {
		return "time unknown"
	}
	return s
}
