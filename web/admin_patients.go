package web

import (
	"net/http"
	"strconv"

	"github.com/doseloop/doseloop/admin"
	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// patientsAdminData is the clinic's patient register with its forms.
type patientsAdminData struct {
	Rows                   []patientAdminRow
	Physicians, Caregivers []store.User
	Form                   admin.NewPatient
	Errors                 map[string]string
	Notice                 string
}

type patientAdminRow struct {
	store.Patient
	Team, Carers string
}

// patientFieldText says in plain words what each add-patient field needs.
var patientFieldText = map[string]string{"name": "Enter the patient's name.", "birth_date": "Enter the date of birth, such as 1950-12-31.",
	"time_zone": "Enter the patient's time zone as a place, such as America/Chicago or Europe/Madrid.", "travel_policy": "Choose what happens when the patient travels."}

func (h *Handler) clinicSvc() admin.Clinic { return admin.Clinic{DB: h.DB, Clock: h.Clock} }

func (h *Handler) adminPatients(c *gin.Context) {
	h.showPatientsAdmin(c, http.StatusOK, patientsAdminData{Form: admin.NewPatient{TravelPolicy: "home"}})
}

func (h *Handler) showPatientsAdmin(c *gin.Context, status int, d patientsAdminData) {
	db, clinic := h.DB.WithContext(c.Request.Context()), auth.PrincipalOf(c).ClinicID
	var pts []store.Patient
	err := db.Where("clinic_id = ?", clinic).Order("name").Find(&pts).Error
	var team, carers map[int64]string
	if err == nil {
		team, err = namesByPatient(db.Table("care_team_members m").Joins("JOIN users u ON u.id = m.physician_id"), "m", clinic)
	}
	if err == nil {
		carers, err = namesByPatient(db.Table("care_links m").Joins("JOIN users u ON u.id = m.caregiver_id").Where("m.state = ?", store.LinkActive), "m", clinic)
	}
	for _, p := range pts {
		d.Rows = append(d.Rows, patientAdminRow{Patient: p, Team: team[p.ID], Carers: carers[p.ID]})
	}
	if err == nil {
		err = db.Where("clinic_id = ? AND role = ? AND disabled_at IS NULL", clinic, store.RolePhysician).Order("name").Find(&d.Physicians).Error
	}
	if err == nil {
		err = db.Where("clinic_id = ? AND role = ? AND disabled_at IS NULL", clinic, store.RoleCaregiver).Order("name").Find(&d.Caregivers).Error
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	auth.Audit(c, h.DB, "web.admin.patients", 0, "patient_list", 0, auth.OutcomeOK)
	h.render(c, status, "admin_patients", page{Title: "All patients", Nav: "admin-patients", Data: d})
}

// addPatient creates a patient record from the form.
func (h *Handler) addPatient(c *gin.Context) {
	in := admin.NewPatient{Name: c.PostForm("name"), BirthDate: c.PostForm("birth_date"), TimeZone: c.PostForm("time_zone"), TravelPolicy: c.PostForm("travel_policy")}
	pt, err := h.clinicSvc().AddPatient(c.Request.Context(), auth.PrincipalOf(c).ClinicID, in)
	if errs := fieldErrors(err, patientFieldText); len(errs) > 0 {
		auth.Audit(c, h.DB, "web.admin.patient.create", 0, "patient", 0, auth.OutcomeRefused)
		h.showPatientsAdmin(c, http.StatusBadRequest, patientsAdminData{Form: in, Errors: errs})
		return
	} else if err != nil {
		h.fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "web.admin.patient.create", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	h.showPatientsAdmin(c, http.StatusOK, patientsAdminData{Notice: "Added " + pt.Name + ".", Form: admin.NewPatient{TravelPolicy: "home"}})
}

// patientAction relocates a patient, or changes their care team or caregivers.
func (h *Handler) patientAction(c *gin.Context) {
	ctx, clinic, svc := c.Request.Context(), auth.PrincipalOf(c).ClinicID, h.clinicSvc()
	pid, _ := strconv.ParseInt(c.Param("pid"), 10, 64)
	other, _ := strconv.ParseInt(c.PostForm("user_id"), 10, 64)
	var err error
	notice := map[string]string{"relocate": "Time zone and travel policy saved; future doses follow them.",
		"add-physician": "Added to the care team.", "remove-physician": "Removed from the care team.", "link-caregiver": "Caregiver linked."}[c.Param("action")]
	switch c.Param("action") {
	case "relocate":
		err = svc.Relocate(ctx, clinic, pid, c.PostForm("time_zone"), c.PostForm("travel_policy"))
	case "add-physician", "remove-physician":
		err = svc.SetPhysician(ctx, clinic, pid, other, c.Param("action") == "add-physician")
	case "link-caregiver":
		err = svc.LinkCaregiver(ctx, clinic, pid, other)
	default:
		err = apperr.E(apperr.NotFound, "no such action")
	}
	action := "web.admin.patient." + c.Param("action")
	if err != nil {
		auth.Audit(c, h.DB, action, 0, "patient", pid, auth.OutcomeRefused)
		h.fail(c, err)
		return
	}
	auth.Audit(c, h.DB, action, pid, "patient", pid, auth.OutcomeOK)
	h.showPatientsAdmin(c, http.StatusOK, patientsAdminData{Notice: notice, Form: admin.NewPatient{TravelPolicy: "home"}})
}

// namesByPatient joins the user names of q (rows aliased alias, joined to
// users u) per patient of the clinic, in name order.
func namesByPatient(q *gorm.DB, alias string, clinic int64) (map[int64]string, error) {
	var rows []struct {
		PatientID int64
		Name      string
	}
	err := q.Select(alias+".patient_id, u.name").Where("u.clinic_id = ?", clinic).Order("u.name").Scan(&rows).Error
	out := map[int64]string{}
	for _, r := range rows {
		if out[r.PatientID] != "" {
			out[r.PatientID] += ", "
		}
		out[r.PatientID] += r.Name
	}
	return out, err
}
