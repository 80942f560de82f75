package report

import (
	"crypto/sha1"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/doseloop/doseloop/store"
)

// FHIROptions say how an export names itself.
type FHIROptions struct {
	// PublicURL is the server's public base URL (DOSELOOP_PUBLIC_URL). With
	// it, fullUrls are "<PublicURL>/fhir/<type>/<id>" and references are
	// relative; without it, every fullUrl and reference is a urn:uuid. The
	// request's Host header is never used: anyone can set it.
	PublicURL string
	Now       time.Time
}

// bundler collects a Bundle's entries and names them.
type bundler struct {
	b    Bundle
	base string // "<PublicURL>/fhir/" or "" for urn:uuid
	seen map[string]bool
}

func newBundler(pt *store.Patient, w Window, o FHIROptions) *bundler {
	bb := &bundler{seen: map[string]bool{}, b: Bundle{ResourceType: "Bundle", Type: "collection",
		ID: fmt.Sprintf("pt-%d-%d", pt.ID, o.Now.Unix()), Timestamp: o.Now.UTC().Format(time.RFC3339)}}
	if o.PublicURL != "" {
		bb.base = strings.TrimRight(o.PublicURL, "/") + "/fhir/"
	}
	q := url.Values{"from": {w.From}, "to": {w.To}}.Encode()
	self := fmt.Sprintf("v1/patients/%d/fhir?%s", pt.ID, q)
	if o.PublicURL != "" {
		self = strings.TrimRight(o.PublicURL, "/") + "/" + self
	}
	bb.b.Link = []BundleLink{{Relation: "self", URL: self}}
	bb.b.Meta = &Meta{Tag: []Coding{{System: SystemReportWindow, Code: w.From + ".." + w.To,
		Display: fmt.Sprintf("doses scheduled on the local days %s to %s (%s), both included, as of %s",
			w.From, w.To, w.TimeZone, w.AsOf.Format(time.RFC3339))}}}
	return bb
}

// ref is how entries refer to the resource typ/id.
func (bb *bundler) ref(typ, id string) string {
	if bb.base != "" {
		return typ + "/" + id
	}
	sum := sha1.Sum([]byte(bb.b.ID + "/" + typ + "/" + id))
	sum[6], sum[8] = sum[6]&0x0f|0x50, sum[8]&0x3f|0x80 // a name-based (version 5) UUID
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

func (bb *bundler) fullURL(typ, id string) string {
	if bb.base != "" {
		return bb.base + typ + "/" + id
	}
	return bb.ref(typ, id)
}

// add appends res once (the first time its type/id is seen).
func (bb *bundler) add(res map[string]any) {
	typ, id := res["resourceType"].(string), res["id"].(string)
	if bb.seen[typ+"/"+id] {
		return
	}
	bb.seen[typ+"/"+id] = true
	bb.b.Entry = append(bb.b.Entry, BundleEntry{FullURL: bb.fullURL(typ, id), Resource: res})
}

// FHIRBundle builds a FHIR R4 collection Bundle of the patient's report for
// its window: the Patient; each Medication and one MedicationRequest per
// regimen version (what was prescribed then, with its IANA zone on the
// Timing); one MedicationAdministration per dose outcome (two for a double
// dose); who recorded each (Patient, RelatedPerson for a caregiver,
// Device for a dispenser, Practitioner for a correcting physician); and a
// Provenance per correction. The window is the self link and a meta tag.
func FHIRBundle(pt *store.Patient, r *PatientReport, o FHIROptions) Bundle {
	bb := newBundler(pt, r.Window, o)
	bb.add(patientRes(pt))
	rx := prescriptions(r)
	for _, p := range rx.list {
		bb.add(medicationRes(p.VersionInfo))
		bb.add(bb.requestRes(pt, p, o.Now))
	}
	events := byDose(r.Events)
	for _, d := range r.Doses {
		bb.administrations(pt, d, rx, events[d.ID], r.Absences)
	}
	return bb.b
}
