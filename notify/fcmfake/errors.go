package fcmfake

import (
	"encoding/json"
	"net/http"
)

// Response is a scripted FCM error answer.
type Response struct {
	HTTPStatus int    // e.g. 404
	Status     string // the google.rpc status, e.g. "NOT_FOUND"
	ErrorCode  string // the FcmError errorCode, e.g. "UNREGISTERED"; "" for none
	RetryAfter string // Retry-After header value, "" for none
	Msg        string // error.message; "" for a generic one
}

// fcmErrors maps each FcmError code to the HTTP and RPC status FCM answers it with.
var fcmErrors = map[string]Response{
	"UNREGISTERED":           {HTTPStatus: 404, Status: "NOT_FOUND"},
	"INVALID_ARGUMENT":       {HTTPStatus: 400, Status: "INVALID_ARGUMENT"},
	"SENDER_ID_MISMATCH":     {HTTPStatus: 403, Status: "PERMISSION_DENIED"},
	"QUOTA_EXCEEDED":         {HTTPStatus: 429, Status: "RESOURCE_EXHAUSTED"},
	"UNAVAILABLE":            {HTTPStatus: 503, Status: "UNAVAILABLE"},
	"INTERNAL":               {HTTPStatus: 500, Status: "INTERNAL"},
	"THIRD_PARTY_AUTH_ERROR": {HTTPStatus: 401, Status: "UNAUTHENTICATED"},
}

// Fail returns the response FCM sends for errorCode (one of the FcmError
// codes above). An unknown code answers 404 NOT_FOUND without details.
func Fail(errorCode string) Response {
	r, ok := fcmErrors[errorCode]
	if !ok {
		return Response{HTTPStatus: 404, Status: "NOT_FOUND"}
	}
	r.ErrorCode = errorCode
	return r
}

// WithMsg returns r with error.message set.
func (r Response) WithMsg(m string) Response { r.Msg = m; return r }

// After returns r with a Retry-After header (seconds or an HTTP date).
func (r Response) After(v string) Response { r.RetryAfter = v; return r }

func (r Response) write(w http.ResponseWriter, msg string) {
	type detail struct {
		Type      string `json:"@type"`
		ErrorCode string `json:"errorCode"`
	}
	var body struct {
		Error struct {
			Code    int      `json:"code"`
			Message string   `json:"message"`
			Status  string   `json:"status"`
			Details []detail `json:"details,omitempty"`
		} `json:"error"`
	}
	if r.Msg != "" {
		msg = r.Msg
	}
	body.Error.Code, body.Error.Message, body.Error.Status = r.HTTPStatus, msg, r.Status
	if r.ErrorCode != "" {
		body.Error.Details = []detail{{"type.googleapis.com/google.firebase.fcm.v1.FcmError", r.ErrorCode}}
	}
	if r.RetryAfter != "" {
		w.Header().Set("Retry-After", r.RetryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(r.HTTPStatus)
	json.NewEncoder(w).Encode(body)
}
