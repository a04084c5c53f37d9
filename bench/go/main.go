// Command natrix-gobench runs one NATS benchmark case with the Go client (nats.go) against one server URL and
// prints exactly one JSON object on standard output describing the outcome.
//
// The Java side-by-side driver (io.natrix.bench.SideBySide) calls it once per case, per round and per server, so
// that the same Go client code loads nats-server and Natrix in turn. A Go client is much lighter than jnats, so these
// rows show how the servers behave when the client is not the bottleneck.
//
// It is built offline in GOPATH mode against Debian's nats.go source (see bench/run.sh):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o bench/go/target/natrix-gobench ./bench/go
//
// Every loop is bounded: publishing stops after -msgs messages or -duration, and waiting for delivery stops at
// -timeout. A run that did not deliver every message reports ok=false with the counts, never a rate alone.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
)

// protocolOverhead is roughly what a MSG line adds to each payload on the wire; the flow-control window counts it,
// so that the bytes a server holds for a subscriber stay below its slow-consumer limit.
const protocolOverhead = 64

// result is the single JSON object the program prints. Field names are the contract with the Java driver.
type result struct {
	Client     string  `json:"client"`
	Scenario   string  `json:"scenario"`
	Size       int     `json:"size"`
	Subs       int     `json:"subs"`
	Sent       int64   `json:"sent"`
	Expected   int64   `json:"expected"`
	Received   int64   `json:"received"`
	ElapsedNs  int64   `json:"elapsed_ns"`
	MsgsPerSec float64 `json:"msgs_per_sec"`
	MBPerSec   float64 `json:"mb_per_sec"`
	P50Us      float64 `json:"p50_us"`
	P99Us      float64 `json:"p99_us"`
	OK         bool    `json:"ok"`
	Error      string  `json:"error"`
}

// settings holds the parsed command line; see usage in main.
type settings struct {
	url         string
	scenario    string
	size        int
	subs        int
	msgs        int64
	duration    time.Duration
	timeout     time.Duration
	windowBytes int64
}

// errorLog remembers the first asynchronous error (slow consumer, -ERR) any connection reported.
type errorLog struct {
	mu    sync.Mutex
	first string
}

func (e *errorLog) record(where string, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.first == "" {
		e.first = where + ": " + err.Error()
	}
}

func (e *errorLog) get() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.first
}

func main() {
	var s settings
	flag.StringVar(&s.url, "url", "nats://127.0.0.1:4222", "server URL (loopback only)")
	flag.StringVar(&s.scenario, "scenario", "pub", "pub | pubsub | fanout | queue | reqrep")
	flag.IntVar(&s.size, "size", 128, "payload size in bytes")
	flag.IntVar(&s.subs, "subs", 4, "subscribers for fanout and queue")
	flag.Int64Var(&s.msgs, "msgs", 0, "messages (or requests) to send; 0 means send for -duration")
	flag.DurationVar(&s.duration, "duration", time.Second, "how long to publish when -msgs is 0")
	flag.DurationVar(&s.timeout, "timeout", 60*time.Second, "hard limit for the whole run")
	flag.Int64Var(&s.windowBytes, "window", 32<<20, "per subscriber, max bytes (payload + ~64 protocol) published but not yet received; 0 = unbounded")
	flag.Parse()

	res := run(s)
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
}

func run(s settings) result {
	res := result{Client: "go", Scenario: s.scenario, Size: s.size}
	if s.size < 0 || s.size > 8<<20 {
		res.Error = "size out of range"
		return res
	}
	deadline := time.Now().Add(s.timeout)
	var err error
	switch s.scenario {
	case "pub":
		err = runThroughput(s, 0, false, deadline, &res)
	case "pubsub":
		err = runThroughput(s, 1, false, deadline, &res)
	case "fanout":
		err = runThroughput(s, s.subs, false, deadline, &res)
	case "queue":
		err = runThroughput(s, s.subs, true, deadline, &res)
	case "reqrep":
		err = runRequestReply(s, deadline, &res)
	default:
		err = fmt.Errorf("unknown scenario %q", s.scenario)
	}
	if err != nil {
		res.Error = err.Error()
		res.OK = false
	}
	return res
}

func connect(url, name string, errs *errorLog) (*nats.Conn, error) {
	return nats.Connect(url,
		nats.Name(name),
		nats.NoReconnect(),
		nats.Timeout(5*time.Second),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { errs.record(name, err) }))
}

func uniqueSubject(scenario string) string {
	return fmt.Sprintf("bench.go.%s.%d.%d", scenario, os.Getpid(), rand.New(rand.NewSource(time.Now().UnixNano())).Int63())
}

// runThroughput publishes from one connection and counts deliveries on subs subscriber connections (none for the
// publish-only case). With queue set, the subscribers share one queue group, so each message is delivered once;
// otherwise every subscriber receives every message.
func runThroughput(s settings, subs int, queue bool, deadline time.Time, res *result) error {
	res.Subs = subs
	errs := &errorLog{}
	subject := uniqueSubject(s.scenario)
	var received int64

	for i := 0; i < subs; i++ {
		nc, err := connect(s.url, fmt.Sprintf("sub-%d", i), errs)
		if err != nil {
			return fmt.Errorf("subscriber connect: %w", err)
		}
		defer nc.Close()
		handler := func(_ *nats.Msg) { atomic.AddInt64(&received, 1) }
		var sub *nats.Subscription
		if queue {
			sub, err = nc.QueueSubscribe(subject, "workers", handler)
		} else {
			sub, err = nc.Subscribe(subject, handler)
		}
		if err != nil {
			return fmt.Errorf("subscribe: %w", err)
		}
		if err := sub.SetPendingLimits(-1, -1); err != nil {
			return err
		}
		// A PING/PONG round trip proves the server has registered the subscription before publishing starts.
		if err := nc.FlushTimeout(5 * time.Second); err != nil {
			return fmt.Errorf("subscriber flush: %w", err)
		}
	}

	pub, err := connect(s.url, "pub", errs)
	if err != nil {
		return fmt.Errorf("publisher connect: %w", err)
	}
	defer pub.Close()

	perMessage := int64(1)
	if !queue && subs > 1 {
		perMessage = int64(subs)
	}
	if subs == 0 {
		perMessage = 0
	}
	windowMsgs := int64(0)
	if s.windowBytes > 0 && subs > 0 {
		windowMsgs = s.windowBytes / int64(s.size+protocolOverhead)
		if windowMsgs < 16 {
			windowMsgs = 16
		}
	}
	checkEvery := int64(256)
	if windowMsgs > 0 && windowMsgs/8 < checkEvery {
		checkEvery = max64(1, windowMsgs/8)
	}

	payload := make([]byte, s.size)
	for i := range payload {
		payload[i] = byte('a' + i%26)
	}

	start := time.Now()
	publishUntil := start.Add(s.duration)
	var sent int64
	for {
		if s.msgs > 0 && sent >= s.msgs {
			break
		}
		if sent%checkEvery == 0 {
			now := time.Now()
			if s.msgs == 0 && !now.Before(publishUntil) {
				break
			}
			if now.After(deadline) {
				res.Sent = sent
				return errors.New("timed out while publishing")
			}
			// Flow control: never let more than the window be published and not yet received, so that neither
			// server has to buffer without bound (and cut the subscriber off as a slow consumer).
			for windowMsgs > 0 && sent*perMessage-atomic.LoadInt64(&received) > windowMsgs*perMessage {
				if time.Now().After(deadline) {
					res.Sent = sent
					return errors.New("timed out waiting for subscribers (flow control)")
				}
				time.Sleep(20 * time.Microsecond)
			}
		}
		if err := pub.Publish(subject, payload); err != nil {
			res.Sent = sent
			return fmt.Errorf("publish: %w", err)
		}
		sent++
	}
	res.Sent = sent
	res.Expected = sent * perMessage

	if subs == 0 {
		if err := pub.FlushTimeout(time.Until(deadline)); err != nil {
			return fmt.Errorf("final flush: %w", err)
		}
	} else {
		for atomic.LoadInt64(&received) < res.Expected {
			if time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Microsecond)
		}
	}
	elapsed := time.Since(start)
	res.Received = atomic.LoadInt64(&received)
	res.ElapsedNs = elapsed.Nanoseconds()
	counted := res.Expected
	if subs == 0 {
		counted = sent
		res.Received = sent
		res.Expected = sent
	}
	res.MsgsPerSec = float64(counted) / elapsed.Seconds()
	res.MBPerSec = res.MsgsPerSec * float64(s.size) / 1e6
	switch {
	case res.Received < res.Expected:
		return fmt.Errorf("lost %d of %d messages", res.Expected-res.Received, res.Expected)
	case res.Received > res.Expected:
		return fmt.Errorf("received %d messages, expected %d", res.Received, res.Expected)
	case errs.get() != "":
		return errors.New(errs.get())
	}
	res.OK = true
	return nil
}

// runRequestReply measures synchronous request/reply round trips: one requester, one replier connection.
func runRequestReply(s settings, deadline time.Time, res *result) error {
	errs := &errorLog{}
	subject := uniqueSubject("reqrep")
	payload := make([]byte, s.size)

	replier, err := connect(s.url, "replier", errs)
	if err != nil {
		return fmt.Errorf("replier connect: %w", err)
	}
	defer replier.Close()
	if _, err := replier.Subscribe(subject, func(m *nats.Msg) { _ = m.Respond(payload) }); err != nil {
		return err
	}
	if err := replier.FlushTimeout(5 * time.Second); err != nil {
		return err
	}
	requester, err := connect(s.url, "requester", errs)
	if err != nil {
		return fmt.Errorf("requester connect: %w", err)
	}
	defer requester.Close()

	const maxSamples = 10_000_000
	latencies := make([]time.Duration, 0, 1<<16)
	start := time.Now()
	until := start.Add(s.duration)
	var sent, failed int64
	for {
		if s.msgs > 0 && sent >= s.msgs {
			break
		}
		now := time.Now()
		if (s.msgs == 0 && !now.Before(until)) || now.After(deadline) || sent >= maxSamples {
			break
		}
		t0 := time.Now()
		_, err := requester.Request(subject, payload, 5*time.Second)
		sent++
		if err != nil {
			failed++
			continue
		}
		latencies = append(latencies, time.Since(t0))
	}
	elapsed := time.Since(start)
	res.Sent = sent
	res.Expected = sent
	res.Received = sent - failed
	res.ElapsedNs = elapsed.Nanoseconds()
	res.MsgsPerSec = float64(res.Received) / elapsed.Seconds()
	res.MBPerSec = res.MsgsPerSec * float64(s.size) / 1e6
	if len(latencies) > 0 {
		sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
		res.P50Us = percentile(latencies, 0.50)
		res.P99Us = percentile(latencies, 0.99)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d requests got no reply", failed, sent)
	}
	if sent == 0 {
		return errors.New("no request completed")
	}
	if errs.get() != "" {
		return errors.New(errs.get())
	}
	res.OK = true
	return nil
}

// percentile reads the q-quantile from sorted samples, in microseconds.
func percentile(sorted []time.Duration, q float64) float64 {
	i := int(q*float64(len(sorted)) + 0.5)
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	if i > 0 {
		i--
	}
	return float64(sorted[i].Nanoseconds()) / 1e3
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
