package mobileapi

import (
	"net/http"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// AlertView is an alert in a caregiver's inbox with what was sent to them.
type AlertView struct {
	ID             int64          `json:"id"`
	Kind           string         `json:"kind"`
	Patient        PatientRef     `json:"patient"`
	DoseID         *int64         `json:"dose_id"`
	Critical       bool           `json:"critical"`
	OpenedAt       time.Time      `json:"opened_at"`
	ClosedAt       *time.Time     `json:"closed_at"`
	CloseReason    string         `json:"close_reason"`
	AcknowledgedBy *int64         `json:"acknowledged_by"`
	AcknowledgedAt *time.Time     `json:"acknowledged_at"`
	Deliveries     []DeliveryView `json:"deliveries"`
}

// DeliveryView is one notification about the alert sent to the caller.
type DeliveryView struct {
	Channel  string     `json:"channel"`
	Kind     string     `json:"kind"`
	State    string     `json:"state"`
	Attempts int        `json:"attempts"`
	SentAt   *time.Time `json:"sent_at"`
}

// GET /v1/caregiver/alerts?state=open|all lists alerts of linked patients,
// newest first.
func (a *API) handleInbox(c *gin.Context) {
	p := auth.PrincipalOf(c)
	page, err := httpx.ParsePage(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := a.db(c).Where("patient_id IN (?)", auth.VisiblePatients(a.DB, p))
	switch c.DefaultQuery("state", "all") {
	case "open":
		q = q.Where("closed_at IS NULL")
	case "all":
	default:
		httpx.Fail(c, apperr.Validation(apperr.FieldError{Field: "state", Message: "must be open or all"}))
		return
	}
	if page.Cursor != "" {
		k, err := parseTimeKey(page.Cursor)
		if err != nil {
			httpx.Fail(c, err)
			return
		}
		q = q.Where("(opened_at < ? OR (opened_at = ? AND id < ?))", k.At, k.At, k.ID)
	}
	var alerts []store.Alert
	if err := q.Order("opened_at DESC, id DESC").Limit(page.Limit + 1).Find(&alerts).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	list := httpx.List[AlertView]{}
	alerts, list.NextCursor = httpx.Trim(alerts, page, func(l store.Alert) string { return timeKey{At: l.OpenedAt, ID: l.ID}.encode() })
	if list.Items, err = a.alertViews(c, p.UserID, alerts); err != nil {
		httpx.Fail(c, err)
		return
	}
	seen := map[int64]bool{}
	for _, al := range alerts {
		if !seen[al.PatientID] {
			seen[al.PatientID] = true
			auth.Audit(c, a.DB, "alerts.list", al.PatientID, "patient", al.PatientID, auth.OutcomeOK)
		}
	}
	c.JSON(http.StatusOK, list)
}

func (a *API) alertViews(c *gin.Context, recipient int64, alerts []store.Alert) ([]AlertView, error) {
	ids, pids := []int64{}, []int64{}
	for _, al := range alerts {
		ids, pids = append(ids, al.ID), append(pids, al.PatientID)
	}
	var notes []store.Notification
	var pts []store.Patient
	if len(ids) > 0 {
		if err := a.db(c).Where("alert_id IN ? AND recipient_id = ?", ids, recipient).Order("id").Find(&notes).Error; err != nil {
			return nil, err
		}
		if err := a.db(c).Select("id, name").Where("id IN ?", pids).Find(&pts).Error; err != nil {
			return nil, err
		}
	}
	names := map[int64]string{}
	for _, pt := range pts {
		names[pt.ID] = pt.Name
	}
	byAlert := map[int64][]DeliveryView{}
	for _, n := range notes {
		byAlert[*n.AlertID] = append(byAlert[*n.AlertID], DeliveryView{Channel: n.Channel, Kind: n.Kind, State: n.State, Attempts: n.Attempts, SentAt: utcPtr(n.SentAt)})
	}
	out := make([]AlertView, 0, len(alerts))
	for _, al := range alerts {
		d := byAlert[al.ID]
		if d == nil {
			d = []DeliveryView{}
		}
		out = append(out, AlertView{ID: al.ID, Kind: al.Kind, Patient: PatientRef{ID: al.PatientID, Name: names[al.PatientID]},
			DoseID: al.DoseID, Critical: al.Critical, OpenedAt: al.OpenedAt.UTC(), ClosedAt: utcPtr(al.ClosedAt),
			CloseReason: al.CloseReason, AcknowledgedBy: al.AcknowledgedBy, AcknowledgedAt: utcPtr(al.AcknowledgedAt), Deliveries: d})
	}
	return out, nil
}
