// Package fcmfake is a local HTTP server that speaks the part of the FCM
// HTTP v1 API the Firebase Admin SDK uses for Send:
//
//	POST /v1/projects/{project}/messages:send   {"message": {...}}
//	200 {"name": "projects/{project}/messages/{n}"}
//	4xx/5xx {"error": {"code", "message", "status", "details": [
//	    {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED"}]}}
//
// Tests and `bench notify` point the real SDK at it with
// option.WithEndpoint(srv.URL+"/v1") and a static token source. It records
// every request it accepted, can script per-token failures (with
// Retry-After), and can add latency per request like a real network hop.
package fcmfake
