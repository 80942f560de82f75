package report

import (
	"slices"
	"strconv"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// StaffRoles may read reports and exports: the physician report, CSV and
// FHIR describe a patient clinically and are for the care team (physicians;
// per object, care-team membership is checked by auth.LoadPatient) and the
// clinic's admins. Patients and caregivers see their figures in the mobile
// API instead.
var StaffRoles = []string{store.RoleAdmin, store.RolePhysician}

// staffOnly refuses every other role with 403 wrong_role before the patient
// is looked up (so a caregiver learns nothing about which ids exist), and
// audits the attempt against the patient the path names.
func (a *API) staffOnly(action string) gin.HandlerFunc {
	refuse := auth.RequireRole(StaffRoles...)
	return func(c *gin.Context) {
		if slices.Contains(StaffRoles, auth.PrincipalOf(c).Role) {
			return
		}
		id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
		auth.Audit(c, a.DB, action, max(id, 0), "patient", max(id, 0), auth.OutcomeDenied)
		refuse(c) // the one wrong_role answer every role-gated route gives
	}
}
