package web

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/dispenser"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// dispensersData is the fleet page: the clinic's dispensers, the
// provisioning form, and a revocation to confirm.
type dispensersData struct {
	Rows     []fleetRow
	Patients []store.Patient
	Form     provisionForm
	Errors   map[string]string
	Notice   string
	Revoking *fleetRow
}

type fleetRow struct {
	store.Dispenser
	PatientName, Zone string
}

type provisionForm struct{ Serial, PublicKey, Model, PatientID string }

func (h *Handler) adminDispensers(c *gin.Context) { h.showFleet(c, http.StatusOK, dispensersData{}) }

func (h *Handler) showFleet(c *gin.Context, status int, d dispensersData) {
	db, clinic := h.DB.WithContext(c.Request.Context()), auth.PrincipalOf(c).ClinicID
	err := db.Table("dispensers d").Select("d.*, COALESCE(p.name, '') AS patient_name, COALESCE(p.time_zone, 'UTC') AS zone").
		Joins("LEFT JOIN patients p ON p.id = d.patient_id").Where("d.clinic_id = ?", clinic).
		Order("d.revoked_at IS NOT NULL, d.serial").Scan(&d.Rows).Error
	if err == nil {
		err = db.Where("clinic_id = ?", clinic).Order("name").Find(&d.Patients).Error
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	auth.Audit(c, h.DB, "web.admin.dispensers", 0, "", 0, auth.OutcomeOK)
	h.render(c, status, "admin_dispensers", page{Title: "Dispensers", Nav: "dispensers", Data: d})
}

var serialPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{3,64}$`)

// provision registers a dispenser by serial and Ed25519 public key.
func (h *Handler) provision(c *gin.Context) {
	f := provisionForm{Serial: trimmed(c, "serial"), PublicKey: trimmed(c, "public_key"), Model: trimmed(c, "model"), PatientID: trimmed(c, "patient_id")}
	errs := map[string]string{}
	if !serialPattern.MatchString(f.Serial) {
		errs["serial"] = "Enter the serial printed on the device: 3 to 64 letters, digits, dots, dashes or underscores."
	}
	if err := h.checkKey(c, f.PublicKey, 0); err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) {
			h.fail(c, err)
			return
		}
		errs["public_key"] = ae.Message
	}
	if len(f.Model) > 64 || !validText(f.Model) {
		errs["model"] = "Enter the model in at most 64 characters."
	}
	pid, err := h.clinicPatientID(c, f.PatientID)
	if err != nil {
		errs["patient_id"] = "Choose a patient of this clinic, or nobody."
	}
	now, clinic := h.now(), auth.PrincipalOf(c).ClinicID
	d := store.Dispenser{ClinicID: clinic, Serial: f.Serial, PublicKey: f.PublicKey, Model: f.Model, PatientID: pid,
		HeartbeatIntervalS: 900, CreatedAt: now, UpdatedAt: now}
	if len(errs) == 0 {
		if err := h.DB.WithContext(c.Request.Context()).Create(&d).Error; errors.Is(err, gorm.ErrDuplicatedKey) {
			errs["serial"] = "A dispenser with this serial is already provisioned."
		} else if err != nil {
			h.fail(c, err)
			return
		}
	}
	if len(errs) > 0 {
		auth.Audit(c, h.DB, "web.admin.dispenser.provision", 0, "dispenser", 0, auth.OutcomeRefused)
		h.showFleet(c, http.StatusBadRequest, dispensersData{Form: f, Errors: errs})
		return
	}
	auth.Audit(c, h.DB, "web.admin.dispenser.provision", deref(pid), "dispenser", d.ID, auth.OutcomeOK)
	h.showFleet(c, http.StatusOK, dispensersData{Notice: "Provisioned " + d.Serial + "; it may now sign in with its key."})
}

func validText(s string) bool { return strings.ToValidUTF8(s, "") == s && !strings.ContainsRune(s, 0) }

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// clinicPatientID reads an optional patient id of the admin's clinic. Errors: NotFound.
func (h *Handler) clinicPatientID(c *gin.Context, v string) (*int64, error) {
	if v == "" {
		return nil, nil
	}
	id, _ := strconv.ParseInt(v, 10, 64)
	pt, err := auth.LoadPatient(c.Request.Context(), h.DB, auth.PrincipalOf(c), id)
	if err != nil {
		return nil, err
	}
	return &pt.ID, nil
}

// dispenserAction assigns, rotates the key of, or revokes (after asking) a dispenser.
func (h *Handler) dispenserAction(c *gin.Context) {
	db, clinic, now := h.DB.WithContext(c.Request.Context()), auth.PrincipalOf(c).ClinicID, h.now()
	var d fleetRow
	err := db.Table("dispensers d").Select("d.*, COALESCE(p.name, '') AS patient_name").Joins("LEFT JOIN patients p ON p.id = d.patient_id").
		Where("d.serial = ? AND d.clinic_id = ? AND d.revoked_at IS NULL", c.Param("serial"), clinic).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		err = apperr.E(apperr.NotFound, "no such dispenser in service")
	}
	var cols map[string]any
	notice := ""
	if err == nil {
		switch c.Param("action") {
		case "assign":
			var pid *int64
			if pid, err = h.clinicPatientID(c, trimmed(c, "patient_id")); err == nil {
				cols, notice = map[string]any{"patient_id": pid}, d.Serial+" assigned."
			}
		case "rotate":
			key := trimmed(c, "public_key")
			if err = h.checkKey(c, key, d.ID); err == nil && key == d.PublicKey {
				err = apperr.E(apperr.Conflict, "this is already the dispenser's current key")
			}
			cols = map[string]any{"next_public_key": key}
			notice = "New key staged for " + d.Serial + ": both keys work until the device first signs with the new one, then the old one stops."
		case "revoke":
			if c.PostForm("confirm") != "yes" {
				h.showFleet(c, http.StatusOK, dispensersData{Revoking: &d})
				return
			}
			cols, notice = map[string]any{"revoked_at": now}, d.Serial+" revoked; its requests are refused from now on."
		default:
			err = apperr.E(apperr.NotFound, "no such action")
		}
	}
	if err == nil {
		cols["updated_at"] = now
		err = db.Model(&store.Dispenser{}).Where("id = ?", d.ID).Updates(cols).Error
	}
	h.finishFleet(c, &d, notice, err)
}

func (h *Handler) finishFleet(c *gin.Context, d *fleetRow, notice string, err error) {
	action := "web.admin.dispenser." + c.Param("action")
	if err != nil {
		auth.Audit(c, h.DB, action, deref(d.PatientID), "dispenser", d.ID, auth.OutcomeRefused)
		h.fail(c, err)
		return
	}
	auth.Audit(c, h.DB, action, deref(d.PatientID), "dispenser", d.ID, auth.OutcomeOK)
	h.showFleet(c, http.StatusOK, dispensersData{Notice: notice})
}

// checkKey accepts a strong Ed25519 public key that no other dispenser
// holds (a key identifies one device). Errors: Invalid, Conflict.
func (h *Handler) checkKey(c *gin.Context, key string, self int64) error {
	if _, ok := dispenser.ParsePublicKey(key); !ok {
		return apperr.E(apperr.Invalid, "Paste the device's Ed25519 public key: 44 characters of base64, as the device shows it.")
	}
	var n int64
	err := h.DB.WithContext(c.Request.Context()).Model(&store.Dispenser{}).
		Where("(public_key = ? OR next_public_key = ?) AND id <> ?", key, key, self).Count(&n).Error
	if err == nil && n > 0 {
		err = apperr.E(apperr.Conflict, "This key already belongs to another dispenser; each device has its own key.")
	}
	return err
}
