package dispenser

import (
	"strconv"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// Register mounts the device API (signed requests) and the admin API
// (clinic admins of the dispenser's clinic) on r.
func (s *Service) Register(r gin.IRouter, a *auth.Service) {
	dev := r.Group("/v1/dispenser")
	dev.POST("/events", s.DeviceAuth(), s.handleEvents)
	dev.GET("/schedule", s.DeviceAuth(), s.handleSchedule)
	dev.POST("/heartbeat", s.FreshDeviceAuth(), s.handleHeartbeat)

	adm := r.Group("/v1/dispensers", a.Required(), auth.RequireRole(store.RoleAdmin))
	adm.POST("", s.handleProvision)
	adm.GET("", s.handleList)
	adm.GET("/:serial", s.handleGet)
	adm.POST("/:serial/revoke", s.handleRevoke)
	adm.PUT("/:serial/next-key", s.handleNextKey)
	adm.DELETE("/:serial/next-key", s.handleCancelNextKey)
	adm.POST("/:serial/rotate", s.handleRotate)
	adm.PUT("/:serial/patient", s.handleAssign)
	adm.PUT("/:serial/compartments", s.handleCompartments)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
