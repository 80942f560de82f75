package fcmfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Received is one message the server accepted (answered 200) or rejected.
type Received struct {
	Token    string
	Data     map[string]string
	Raw      json.RawMessage // the "message" object as sent on the wire
	Accepted bool
	Name     string // provider message id when accepted
	Auth     string // Authorization header
}

// Server is the fake FCM endpoint. Create it with New, then Start.
type Server struct {
	Project string
	Latency time.Duration // added to every request

	mu       sync.Mutex
	received []Received
	scripts  map[string][]Response
	down     *Response // SetDown: every request gets this answer
	next     int64
	ts       *httptest.Server
}

// New returns a server for project (not yet listening).
func New(project string) *Server {
	return &Server{Project: project, scripts: map[string][]Response{}}
}

// Start listens on a loopback port and returns the base URL (without /v1).
func (s *Server) Start() string {
	s.ts = httptest.NewServer(s)
	return s.ts.URL
}

// Close stops the server.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

// Script queues responses for token: the next sends to it get them in
// order, after which sends succeed again.
func (s *Server) Script(token string, rs ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts[token] = append(s.scripts[token], rs...)
}

// Received returns a copy of every request seen so far.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Accepted returns the messages answered 200 for token ("" = all tokens).
func (s *Server) Accepted(token string) []Received {
	var out []Received
	for _, r := range s.Received() {
		if r.Accepted && (token == "" || r.Token == token) {
			out = append(out, r)
		}
	}
	return out
}

// ServeHTTP implements the messages:send endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.Latency > 0 {
		select {
		case <-time.After(s.Latency):
		case <-r.Context().Done():
			return
		}
	}
	want := "/v1/projects/" + s.Project + "/messages:send"
	if r.Method != http.MethodPost || r.URL.Path != want {
		Fail("NOT_FOUND_PATH").write(w, "no such method: "+r.Method+" "+r.URL.Path)
		return
	}
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "Bearer ") {
		Fail("THIRD_PARTY_AUTH_ERROR").write(w, "request had no bearer token")
		return
	}
	var req struct {
		Message json.RawMessage `json:"message"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var msg struct {
		Token string            `json:"token"`
		Data  map[string]string `json:"data"`
	}
	if json.Unmarshal(body, &req) != nil || json.Unmarshal(req.Message, &msg) != nil || msg.Token == "" {
		Fail("INVALID_ARGUMENT").write(w, "message must name a token")
		return
	}
	rec := Received{Token: msg.Token, Data: msg.Data, Raw: req.Message, Auth: auth}
	resp, ok := s.take(msg.Token)
	if down := s.outage(); down != nil && !ok {
		resp, ok = *down, true
	}
	if !ok {
		rec.Accepted = true
		rec.Name = fmt.Sprintf("projects/%s/messages/%d", s.Project, s.nextID())
	}
	s.mu.Lock()
	s.received = append(s.received, rec)
	s.mu.Unlock()
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"name":%q}`, rec.Name)
		return
	}
	resp.write(w, "scripted failure")
}

// SetDown makes every send fail with r (e.g. Fail("UNAVAILABLE").After("300"))
// until SetUp: a provider outage. Scripted answers still come first.
func (s *Server) SetDown(r Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = &r
}

// SetUp ends an outage SetDown began.
func (s *Server) SetUp() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = nil
}

func (s *Server) outage() *Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down
}

func (s *Server) take(token string) (Response, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.scripts[token]
	if len(q) == 0 {
		return Response{}, false
	}
	s.scripts[token] = q[1:]
	return q[0], true
}

func (s *Server) nextID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	return s.next
}
