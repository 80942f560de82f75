package apidoc

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

//go:embed openapi.json
var raw []byte

// JSON returns the OpenAPI document as served.
func JSON() []byte { return raw }

// Register mounts GET /openapi.json.
func Register(r gin.IRouter) {
	r.GET("/openapi.json", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.Data(http.StatusOK, "application/json", raw)
	})
}
