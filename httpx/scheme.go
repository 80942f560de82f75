package httpx

import (
	"net"
	"net/netip"
	"strings"

	"github.com/gin-gonic/gin"
)

const httpsKey = "doseloop.https"

// Scheme notes whether the request reached us over HTTPS: directly (TLS),
// or through one of the trusted proxies that says so in X-Forwarded-Proto.
// A header from anyone else is ignored. With hsts it also sends
// Strict-Transport-Security on every HTTPS answer.
func Scheme(trusted []string, hsts bool) gin.HandlerFunc {
	var nets []netip.Prefix
	for _, t := range trusted {
		if p, err := netip.ParsePrefix(t); err == nil {
			nets = append(nets, p)
		} else if a, err := netip.ParseAddr(t); err == nil {
			nets = append(nets, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return func(c *gin.Context) {
		https := c.Request.TLS != nil ||
			(fromTrusted(c.Request.RemoteAddr, nets) && strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https"))
		c.Set(httpsKey, https)
		if https && hsts {
			c.Header("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		c.Next()
	}
}

func fromTrusted(remote string, nets []netip.Prefix) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	for _, n := range nets {
		if n.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// IsHTTPS reports what Scheme found for this request.
func IsHTTPS(c *gin.Context) bool { return c.GetBool(httpsKey) }
