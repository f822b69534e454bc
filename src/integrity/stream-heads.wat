;; Stream heads for the offline verifier, in WebAssembly text (compiled when first needed by `stream-heads.ts`).
;;
;; Per stream id: the stream's last revision, the export index of that event and its event hash, so that each
;; event's place in its stream's hash chain is checked as it is read. Every event of an export passes here once;
;; in JavaScript these byte loops took half as long as the event's hashing, here a fifth.
;;
;; One linear memory holds, from the bottom up:
;;   [0, 256)     the envelope keys the chain check reads (data segments below);
;;   [256, 288)   the current event's hash, as the caller computed it, and
;;   [288, 352)   the hash its export line claims for it, in hex: both written by the caller (in one write)
;;                before `extend`;
;;   then regions allocated from `$top`: the input (an event's canonical bytes, decoded there by the caller), the
;;   index, the heads, and the arena for long stream ids. A region that must grow is allocated anew at the top
;;   (the index rebuilt, the heads and the arena copied); what it leaves behind is not reused, which at most
;;   doubles the memory.
;; Addresses are unsigned and never 0 in a region, so 0 means "none".
;;
;; The heads lie one after another in the order their streams first appeared, 128 bytes (two cache lines) each,
;; so that a lookup reads little memory and streams that began together lie together:
;;   +0  i32  the id's length
;;   +4  i32  where the id's bytes beyond its first 64 are in the arena (ids longer than 64 bytes)
;;   +8  f64  last revision, -1 before the first event
;;   +16 f64  export index of the last event, -1 before the first
;;   +32 32 bytes: the last event hash (zeros before the first event, as its prevEventHash must be)
;;   +64 64 bytes: the id's first 64 bytes
;; The index finds a head by id: open addressing with linear probing, at most half full, `$capacity` (a power of
;; two) slots of 8 bytes: +0 i32 fingerprint (SipHash-1-3 of the id under a random key), +4 i32 head number + 1
;; (0: free). The key keeps an export's author from choosing ids that share slots, which would make every lookup
;; walk them all.
;; A head is read only when its slot's fingerprint matches. Stream ids are compared as the bytes of their
;; canonical JSON string, escapes included: one-to-one with the id.
(module
  (memory (export "memory") 1)

  ;; The members the chain check reads, which RFC 8785's sorted keys put last in an envelope.
  (data (i32.const 0) ",\"type\":")            ;; 8 bytes
  (data (i32.const 16) ",\"streamRevision\":") ;; 18 bytes
  (data (i32.const 48) ",\"streamId\":")       ;; 12 bytes
  (data (i32.const 64) ",\"schemaVersion\":")  ;; 17 bytes
  (data (i32.const 96) ",\"recordedAt\":")     ;; 14 bytes
  (data (i32.const 128) ",\"prevEventHash\":") ;; 17 bytes

  (global $EVENT_HASH i32 (i32.const 256))
  (global $CLAIMED_HASH i32 (i32.const 288))
  (global $HEAD i32 (i32.const 128))
  ;; How much of an id a head holds.
  (global $INLINE i32 (i32.const 64))
  (global $SLOT i32 (i32.const 8))

  ;; The end of what is allocated; regions start above the fixed areas.
  (global $top (mut i32) (i32.const 1024))
  ;; The SipHash key's two halves.
  (global $key0 (mut i64) (i64.const 0))
  (global $key1 (mut i64) (i64.const 0))
  (global $input (mut i32) (i32.const 0))
  (global $inputCapacity (mut i32) (i32.const 0))
  (global $index (mut i32) (i32.const 0))
  (global $capacity (mut i32) (i32.const 0))
  (global $heads (mut i32) (i32.const 0))
  (global $headsCapacity (mut i32) (i32.const 0))
  (global $count (mut i32) (i32.const 0))
  (global $ids (mut i32) (i32.const 0))
  (global $idsCapacity (mut i32) (i32.const 0))
  (global $idsLength (mut i32) (i32.const 0))
  ;; Set each time the memory grows; `extend` and `input` report it, so the caller renews its views.
  (global $grew (mut i32) (i32.const 0))

  ;; The envelope last parsed (`parse`).
  (global $streamStart (mut i32) (i32.const 0))
  (global $streamEnd (mut i32) (i32.const 0))
  (global $revision (mut f64) (f64.const 0))
  (global $prevStart (mut i32) (i32.const 0))
  ;; Where the stream stood when `extend` looked at it.
  (global $lastRevision (mut f64) (f64.const 0))
  (global $lastIndex (mut f64) (f64.const 0))

  ;; What `extend` answers; GREW is added when the memory grew.
  (global $EXTENDED i32 (i32.const 0))
  (global $NOT_AN_ENVELOPE i32 (i32.const 1))
  (global $AHEAD i32 (i32.const 2))       ;; the revision skips some: an event of the stream is missing here
  (global $REPEATED i32 (i32.const 3))    ;; the revision was seen already
  (global $UNCHAINED i32 (i32.const 4))   ;; prevEventHash is not the stream's last event hash
  (global $NOT_ITS_HASH i32 (i32.const 5)) ;; the claimed hash is not the event's (in lower-case hex)
  (global $GREW i32 (i32.const 16))

  ;; The fingerprints' 128-bit key as four 32-bit words, lowest first (random for each verification).
  (func (export "init") (param $key0 i32) (param $key1 i32) (param $key2 i32) (param $key3 i32)
    (global.set $key0 (i64.or (i64.extend_i32_u (local.get $key0)) (i64.shl (i64.extend_i32_u (local.get $key1)) (i64.const 32))))
    (global.set $key1 (i64.or (i64.extend_i32_u (local.get $key2)) (i64.shl (i64.extend_i32_u (local.get $key3)) (i64.const 32))))
    (global.set $inputCapacity (i32.const 65536))
    (global.set $input (call $allocate (global.get $inputCapacity)))
    (global.set $capacity (i32.const 4096))
    (global.set $index (call $allocate (i32.mul (global.get $capacity) (global.get $SLOT))))
    (global.set $headsCapacity (i32.const 2048))
    (global.set $heads (call $allocate (i32.mul (global.get $headsCapacity) (global.get $HEAD))))
    (global.set $idsCapacity (i32.const 65536))
    (global.set $ids (call $allocate (global.get $idsCapacity)))
    (global.set $grew (i32.const 0)))

  ;; `bytes` of fresh (zeroed) memory at the top, 64-byte aligned.
  (func $allocate (param $bytes i32) (result i32)
    (local $at i32) (local $end i32) (local $pages i32)
    (local.set $at (i32.and (i32.add (global.get $top) (i32.const 63)) (i32.const -64)))
    (local.set $end (i32.add (local.get $at) (local.get $bytes)))
    (if (i32.lt_u (local.get $end) (local.get $at)) (then unreachable)) ;; beyond 4 GiB
    (local.set $pages (i32.shr_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 16)))
    (if (i32.gt_u (local.get $pages) (memory.size))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $pages) (memory.size))) (i32.const -1)) (then unreachable))
        (global.set $grew (i32.const 1))))
    (global.set $top (local.get $end))
    (local.get $at))

  (func (export "eventHashAt") (result i32) (global.get $EVENT_HASH))

  ;; Makes room for an input of `length` bytes: GREW if the memory grew. Its address is then `inputAt`.
  (func (export "input") (param $length i32) (result i32)
    (global.set $grew (i32.const 0))
    (if (i32.gt_u (local.get $length) (global.get $inputCapacity))
      (then
        (global.set $inputCapacity (i32.shl (local.get $length) (i32.const 1)))
        (global.set $input (call $allocate (global.get $inputCapacity)))))
    (i32.mul (global.get $grew) (global.get $GREW)))
  (func (export "inputAt") (result i32) (global.get $input))
  (func (export "inputCapacity") (result i32) (global.get $inputCapacity))

  (func (export "streamStart") (result i32) (global.get $streamStart))
  (func (export "streamEnd") (result i32) (global.get $streamEnd))
  (func (export "revision") (result f64) (global.get $revision))
  (func (export "lastRevision") (result f64) (global.get $lastRevision))
  (func (export "lastIndex") (result f64) (global.get $lastIndex))

  ;; Whether the `length` bytes at `a` and at `b` are the same: eight at a time, then one at a time.
  (func $equal (param $a i32) (param $b i32) (param $length i32) (result i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $a) (local.get $length)))
    (block $words
      (loop $word
        (br_if $words (i32.gt_u (i32.add (local.get $a) (i32.const 8)) (local.get $end)))
        (if (i64.ne (i64.load (local.get $a)) (i64.load (local.get $b))) (then (return (i32.const 0))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (br $word)))
    (block $bytes
      (loop $byte
        (br_if $bytes (i32.ge_u (local.get $a) (local.get $end)))
        (if (i32.ne (i32.load8_u (local.get $a)) (i32.load8_u (local.get $b))) (then (return (i32.const 0))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $byte)))
    (i32.const 1))

  ;; Where the JSON string whose closing quote is at `close` opens (the first quote before it not escaped), or 0;
  ;; nothing before `start` is read.
  (func $openingQuote (param $start i32) (param $close i32) (result i32)
    (local $at i32) (local $backslashes i32)
    (local.set $at (local.get $close))
    (loop $back
      (local.set $at (call $lastQuote (local.get $start) (local.get $at)))
      (if (i32.eqz (local.get $at)) (then (return (i32.const 0))))
      (local.set $backslashes (i32.const 0))
      (block $counted
        (loop $count
          (br_if $counted (i32.le_u (i32.sub (local.get $at) (local.get $backslashes)) (local.get $start)))
          (br_if $counted (i32.ne
            (i32.load8_u (i32.sub (i32.sub (local.get $at) (i32.const 1)) (local.get $backslashes)))
            (i32.const 0x5c)))
          (local.set $backslashes (i32.add (local.get $backslashes) (i32.const 1)))
          (br $count)))
      (br_if $back (i32.and (local.get $backslashes) (i32.const 1))))
    (local.get $at))

  ;; Where the last quote in [start, end) is, or 0: sixteen bytes a step while that many are left.
  (func $lastQuote (param $start i32) (param $end i32) (result i32)
    (local $at i32) (local $quotes i32)
    (local.set $at (local.get $end))
    (block $bytes
      (loop $step
        (br_if $bytes (i32.lt_u (i32.sub (local.get $at) (local.get $start)) (i32.const 16)))
        (local.set $at (i32.sub (local.get $at) (i32.const 16)))
        (local.set $quotes (i8x16.bitmask (i8x16.eq
          (v128.load (local.get $at))
          (v128.const i8x16 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22))))
        (if (local.get $quotes)
          (then (return (i32.add (local.get $at) (i32.sub (i32.const 31) (i32.clz (local.get $quotes)))))))
        (br $step)))
    (loop $byte
      (if (i32.le_u (local.get $at) (local.get $start)) (then (return (i32.const 0))))
      (local.set $at (i32.sub (local.get $at) (i32.const 1)))
      (br_if $byte (i32.ne (i32.load8_u (local.get $at)) (i32.const 0x22))))
    (local.get $at))

  ;; Where the member `,"key":value` that ends just before `end` starts, or 0 (also when `end` is 0, so calls
  ;; chain); nothing before `start` is read. Values are strings or unsigned integers.
  (func $member (param $start i32) (param $end i32) (param $key i32) (param $keyLength i32) (param $isString i32) (result i32)
    (local $value i32)
    (if (i32.le_u (local.get $end) (local.get $start)) (then (return (i32.const 0))))
    (if (local.get $isString)
      (then
        (if (i32.ne (i32.load8_u (i32.sub (local.get $end) (i32.const 1))) (i32.const 0x22)) (then (return (i32.const 0))))
        (local.set $value (call $openingQuote (local.get $start) (i32.sub (local.get $end) (i32.const 1))))
        (if (i32.eqz (local.get $value)) (then (return (i32.const 0)))))
      (else
        (local.set $value (local.get $end))
        (block $digits
          (loop $back
            (br_if $digits (i32.le_u (local.get $value) (local.get $start)))
            (br_if $digits (i32.gt_u
              (i32.sub (i32.load8_u (i32.sub (local.get $value) (i32.const 1))) (i32.const 0x30))
              (i32.const 9)))
            (local.set $value (i32.sub (local.get $value) (i32.const 1)))
            (br $back)))
        (if (i32.eq (local.get $value) (local.get $end)) (then (return (i32.const 0))))))
    (if (i32.lt_u (i32.sub (local.get $value) (local.get $start)) (local.get $keyLength)) (then (return (i32.const 0))))
    (local.set $value (i32.sub (local.get $value) (local.get $keyLength)))
    (if (call $equal (local.get $value) (local.get $key) (local.get $keyLength)) (then (return (local.get $value))))
    (i32.const 0))

  ;; Reads the envelope at [at, at + length) backwards, from its last member to prevEventHash: 1 if they are the
  ;; expected ones (then see streamStart, streamEnd, revision, prevStart), else 0. prevEventHash is taken at its
  ;; length, 64 characters, without looking for its opening quote: the chain check accepts only lower-case hex
  ;; digits there, so no quote can hide among them.
  (func $parse (export "parse") (param $at i32) (param $length i32) (result i32)
    (local $close i32) (local $type i32) (local $revision i32) (local $stream i32) (local $recordedAt i32)
    (local $prev i32) (local $digit i32) (local $number f64)
    (if (i32.lt_u (local.get $length) (i32.const 2)) (then (return (i32.const 0))))
    (local.set $close (i32.sub (i32.add (local.get $at) (local.get $length)) (i32.const 1)))
    (if (i32.ne (i32.load8_u (local.get $close)) (i32.const 0x7d)) (then (return (i32.const 0))))
    (local.set $type (call $member (local.get $at) (local.get $close) (i32.const 0) (i32.const 8) (i32.const 1)))
    (local.set $revision (call $member (local.get $at) (local.get $type) (i32.const 16) (i32.const 18) (i32.const 0)))
    (local.set $stream (call $member (local.get $at) (local.get $revision) (i32.const 48) (i32.const 12) (i32.const 1)))
    (local.set $recordedAt (call $member (local.get $at)
      (call $member (local.get $at) (local.get $stream) (i32.const 64) (i32.const 17) (i32.const 0)) ;; schemaVersion
      (i32.const 96) (i32.const 14) (i32.const 1)))
    ;; `,"prevEventHash":"` and 64 characters and `"` end where recordedAt starts.
    (if (i32.eqz (local.get $recordedAt)) (then (return (i32.const 0))))
    (if (i32.lt_u (i32.sub (local.get $recordedAt) (local.get $at)) (i32.const 83)) (then (return (i32.const 0))))
    (local.set $prev (i32.sub (local.get $recordedAt) (i32.const 83)))
    (if (i32.eqz (call $equal (local.get $prev) (i32.const 128) (i32.const 17))) (then (return (i32.const 0))))
    (if (i32.ne (i32.load8_u offset=17 (local.get $prev)) (i32.const 0x22)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load8_u offset=82 (local.get $prev)) (i32.const 0x22)) (then (return (i32.const 0))))
    ;; The revision's digits, from after its key to the next member's key.
    (local.set $digit (i32.add (local.get $revision) (i32.const 18)))
    (block $read
      (loop $next
        (br_if $read (i32.ge_u (local.get $digit) (local.get $type)))
        (local.set $number (f64.add
          (f64.mul (local.get $number) (f64.const 10))
          (f64.convert_i32_u (i32.sub (i32.load8_u (local.get $digit)) (i32.const 0x30)))))
        (local.set $digit (i32.add (local.get $digit) (i32.const 1)))
        (br $next)))
    (global.set $revision (local.get $number))
    (global.set $streamStart (i32.add (local.get $stream) (i32.const 13))) ;; after `,"streamId":"`
    (global.set $streamEnd (i32.sub (local.get $revision) (i32.const 1)))
    (global.set $prevStart (i32.add (local.get $prev) (i32.const 18)))
    (i32.const 1))

  ;; SipHash-c-d (J.-P. Aumasson and D. J. Bernstein, 2012) of [start, end) under the key, 64 bits: c rounds per
  ;; eight bytes, d to finish. The index takes SipHash-1-3, as Rust's and Python's hash tables do; the reference
  ;; vectors are SipHash-2-4's.
  (global $v0 (mut i64) (i64.const 0))
  (global $v1 (mut i64) (i64.const 0))
  (global $v2 (mut i64) (i64.const 0))
  (global $v3 (mut i64) (i64.const 0))

  (func $sipHash (export "sipHash") (param $start i32) (param $end i32) (param $c i32) (param $d i32) (result i64)
    (local $at i32) (local $last i64) (local $shift i64)
    (global.set $v0 (i64.xor (global.get $key0) (i64.const 0x736f6d6570736575)))
    (global.set $v1 (i64.xor (global.get $key1) (i64.const 0x646f72616e646f6d)))
    (global.set $v2 (i64.xor (global.get $key0) (i64.const 0x6c7967656e657261)))
    (global.set $v3 (i64.xor (global.get $key1) (i64.const 0x7465646279746573)))
    (local.set $at (local.get $start))
    (block $words
      (loop $next
        (br_if $words (i32.gt_u (i32.add (local.get $at) (i32.const 8)) (local.get $end)))
        (call $compress (i64.load (local.get $at)) (local.get $c))
        (local.set $at (i32.add (local.get $at) (i32.const 8)))
        (br $next)))
    ;; The last zero to seven bytes, little-endian, under the length's low byte.
    (local.set $last (i64.shl (i64.extend_i32_u (i32.sub (local.get $end) (local.get $start))) (i64.const 56)))
    (block $tail
      (loop $next
        (br_if $tail (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $last (i64.or (local.get $last) (i64.shl (i64.load8_u (local.get $at)) (local.get $shift))))
        (local.set $shift (i64.add (local.get $shift) (i64.const 8)))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $next)))
    (call $compress (local.get $last) (local.get $c))
    (global.set $v2 (i64.xor (global.get $v2) (i64.const 0xff)))
    (call $rounds (local.get $d))
    (i64.xor (i64.xor (global.get $v0) (global.get $v1)) (i64.xor (global.get $v2) (global.get $v3))))

  (func $compress (param $word i64) (param $rounds i32)
    (global.set $v3 (i64.xor (global.get $v3) (local.get $word)))
    (call $rounds (local.get $rounds))
    (global.set $v0 (i64.xor (global.get $v0) (local.get $word))))

  (func $rounds (param $count i32)
    (loop $next
      (call $round)
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br_if $next (local.get $count))))

  (func $round
    (local $v0 i64) (local $v1 i64) (local $v2 i64) (local $v3 i64)
    (local.set $v0 (i64.add (global.get $v0) (global.get $v1)))
    (local.set $v1 (i64.xor (i64.rotl (global.get $v1) (i64.const 13)) (local.get $v0)))
    (local.set $v0 (i64.rotl (local.get $v0) (i64.const 32)))
    (local.set $v2 (i64.add (global.get $v2) (global.get $v3)))
    (local.set $v3 (i64.xor (i64.rotl (global.get $v3) (i64.const 16)) (local.get $v2)))
    (local.set $v0 (i64.add (local.get $v0) (local.get $v3)))
    (local.set $v3 (i64.xor (i64.rotl (local.get $v3) (i64.const 21)) (local.get $v0)))
    (local.set $v2 (i64.add (local.get $v2) (local.get $v1)))
    (local.set $v1 (i64.xor (i64.rotl (local.get $v1) (i64.const 17)) (local.get $v2)))
    (global.set $v0 (local.get $v0))
    (global.set $v1 (local.get $v1))
    (global.set $v2 (i64.rotl (local.get $v2) (i64.const 32)))
    (global.set $v3 (local.get $v3)))

  ;; The head of the stream whose id is [start, end); an unseen stream gets one, with no events yet.
  (func $headOf (param $start i32) (param $end i32) (result i32)
    (local $fingerprint i32) (local $length i32) (local $slot i32) (local $mask i32) (local $number i32) (local $head i32)
    (local.set $fingerprint (i32.wrap_i64 (call $sipHash (local.get $start) (local.get $end) (i32.const 1) (i32.const 3))))
    (local.set $length (i32.sub (local.get $end) (local.get $start)))
    (local.set $mask (i32.sub (global.get $capacity) (i32.const 1)))
    (local.set $slot (i32.add (global.get $index) (i32.mul (i32.and (local.get $fingerprint) (local.get $mask)) (global.get $SLOT))))
    (loop $probe
      (local.set $number (i32.load offset=4 (local.get $slot)))
      (if (i32.eqz (local.get $number))
        (then (return (call $add (local.get $slot) (local.get $fingerprint) (local.get $start) (local.get $length)))))
      (if (i32.eq (i32.load (local.get $slot)) (local.get $fingerprint))
        (then
          (local.set $head (i32.add (global.get $heads) (i32.mul (i32.sub (local.get $number) (i32.const 1)) (global.get $HEAD))))
          (if (call $isId (local.get $head) (local.get $start) (local.get $length)) (then (return (local.get $head))))))
      (local.set $slot (i32.add (local.get $slot) (global.get $SLOT)))
      (if (i32.ge_u (local.get $slot) (i32.add (global.get $index) (i32.mul (global.get $capacity) (global.get $SLOT))))
        (then (local.set $slot (global.get $index))))
      (br $probe))
    unreachable)

  ;; Whether the head's id is the `length` bytes at `start`: its first 64 in the head, the rest in the arena.
  (func $isId (param $head i32) (param $start i32) (param $length i32) (result i32)
    (if (i32.ne (i32.load (local.get $head)) (local.get $length)) (then (return (i32.const 0))))
    (if (i32.le_u (local.get $length) (global.get $INLINE))
      (then (return (call $equal (local.get $start) (i32.add (local.get $head) (i32.const 64)) (local.get $length)))))
    (i32.and
      (call $equal (local.get $start) (i32.add (local.get $head) (i32.const 64)) (global.get $INLINE))
      (call $equal
        (i32.add (local.get $start) (global.get $INLINE))
        (i32.add (global.get $ids) (i32.load offset=4 (local.get $head)))
        (i32.sub (local.get $length) (global.get $INLINE)))))

  ;; A new head for the id of `length` bytes at `start`, in the free index `slot`. Whatever grows is allocated above
  ;; the input, so the id stays where it is.
  (func $add (param $slot i32) (param $fingerprint i32) (param $start i32) (param $length i32) (result i32)
    (local $head i32) (local $beyond i32) (local $moved i32)
    (if (i32.eq (global.get $count) (global.get $headsCapacity))
      (then
        (global.set $headsCapacity (i32.shl (global.get $headsCapacity) (i32.const 1)))
        (local.set $moved (call $allocate (i32.mul (global.get $headsCapacity) (global.get $HEAD))))
        (memory.copy (local.get $moved) (global.get $heads) (i32.mul (global.get $count) (global.get $HEAD)))
        (global.set $heads (local.get $moved))))
    (local.set $head (i32.add (global.get $heads) (i32.mul (global.get $count) (global.get $HEAD))))
    (i32.store (local.get $head) (local.get $length))
    (f64.store offset=8 (local.get $head) (f64.const -1))
    (f64.store offset=16 (local.get $head) (f64.const -1))
    ;; The hash bytes are zeros already: the heads' memory was fresh.
    (if (i32.le_u (local.get $length) (global.get $INLINE))
      (then (memory.copy (i32.add (local.get $head) (i32.const 64)) (local.get $start) (local.get $length)))
      (else
        (memory.copy (i32.add (local.get $head) (i32.const 64)) (local.get $start) (global.get $INLINE))
        (local.set $beyond (i32.sub (local.get $length) (global.get $INLINE)))
        (if (i32.gt_u (i32.add (global.get $idsLength) (local.get $beyond)) (global.get $idsCapacity))
          (then
            (global.set $idsCapacity (i32.shl (i32.add (global.get $idsCapacity) (local.get $beyond)) (i32.const 1)))
            (local.set $moved (call $allocate (global.get $idsCapacity)))
            (memory.copy (local.get $moved) (global.get $ids) (global.get $idsLength))
            (global.set $ids (local.get $moved))))
        (memory.copy
          (i32.add (global.get $ids) (global.get $idsLength))
          (i32.add (local.get $start) (global.get $INLINE))
          (local.get $beyond))
        (i32.store offset=4 (local.get $head) (global.get $idsLength))
        (global.set $idsLength (i32.add (global.get $idsLength) (local.get $beyond)))))
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i32.store (local.get $slot) (local.get $fingerprint))
    (i32.store offset=4 (local.get $slot) (global.get $count))
    ;; At most half full, so that runs of taken slots stay short.
    (if (i32.gt_u (i32.shl (global.get $count) (i32.const 1)) (global.get $capacity)) (then (call $growIndex)))
    (local.get $head))

  ;; Doubles the index, placing each taken slot anew by its fingerprint: the heads stay where they are.
  (func $growIndex
    (local $old i32) (local $oldEnd i32) (local $mask i32) (local $to i32)
    (local.set $old (global.get $index))
    (local.set $oldEnd (i32.add (local.get $old) (i32.mul (global.get $capacity) (global.get $SLOT))))
    (global.set $capacity (i32.shl (global.get $capacity) (i32.const 1)))
    (global.set $index (call $allocate (i32.mul (global.get $capacity) (global.get $SLOT))))
    (local.set $mask (i32.sub (global.get $capacity) (i32.const 1)))
    (loop $next
      (if (i32.load offset=4 (local.get $old))
        (then
          (local.set $to (i32.and (i32.load (local.get $old)) (local.get $mask)))
          (block $free
            (loop $probe
              (br_if $free (i32.eqz (i32.load offset=4 (i32.add (global.get $index) (i32.mul (local.get $to) (global.get $SLOT))))))
              (local.set $to (i32.and (i32.add (local.get $to) (i32.const 1)) (local.get $mask)))
              (br $probe)))
          (i64.store (i32.add (global.get $index) (i32.mul (local.get $to) (global.get $SLOT))) (i64.load (local.get $old)))))
      (local.set $old (i32.add (local.get $old) (global.get $SLOT)))
      (br_if $next (i32.lt_u (local.get $old) (local.get $oldEnd)))))

  ;; "0123456789abcdef", for spelling bytes in hex.
  (global $DIGITS v128 (v128.const i8x16 0x30 0x31 0x32 0x33 0x34 0x35 0x36 0x37 0x38 0x39 0x61 0x62 0x63 0x64 0x65 0x66))
  (global $LOW_NIBBLES v128 (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))

  ;; Whether the 64 characters at `hex` are the 32 bytes at `bytes` in lower-case hex: the bytes are spelled (16
  ;; at a time) and compared with the characters, so anything else (upper case, not hex) differs.
  (func $spells (param $hex i32) (param $bytes i32) (result i32)
    (local $half i32) (local $word v128) (local $high v128) (local $low v128)
    (loop $next
      (local.set $word (v128.load (i32.add (local.get $bytes) (i32.shl (local.get $half) (i32.const 4)))))
      (local.set $high (i8x16.swizzle (global.get $DIGITS) (i8x16.shr_u (local.get $word) (i32.const 4))))
      (local.set $low (i8x16.swizzle (global.get $DIGITS) (v128.and (local.get $word) (global.get $LOW_NIBBLES))))
      ;; Each byte's two digits side by side: bytes 0-7, then 8-15.
      (if (i32.eqz (i8x16.all_true (i8x16.eq
            (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $high) (local.get $low))
            (v128.load (i32.add (local.get $hex) (i32.shl (local.get $half) (i32.const 5)))))))
        (then (return (i32.const 0))))
      (if (i32.eqz (i8x16.all_true (i8x16.eq
            (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $high) (local.get $low))
            (v128.load offset=16 (i32.add (local.get $hex) (i32.shl (local.get $half) (i32.const 5)))))))
        (then (return (i32.const 0))))
      (local.set $half (i32.add (local.get $half) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $half) (i32.const 2))))
    (i32.const 1))

  ;; Places the event at [at, at + length), export `index`, in its stream's chain, if the hash its line claims is
  ;; its hash (both written at `eventHashAt`): EXTENDED and the stream's head moved to it, or why not (the head is
  ;; not moved).
  (func (export "extend") (param $at i32) (param $length i32) (param $index f64) (result i32)
    (local $head i32) (local $answer i32)
    (global.set $grew (i32.const 0))
    (block $answered
      (local.set $answer (global.get $NOT_ITS_HASH))
      (br_if $answered (i32.eqz (call $spells (global.get $CLAIMED_HASH) (global.get $EVENT_HASH))))
      (local.set $answer (global.get $NOT_AN_ENVELOPE))
      (br_if $answered (i32.eqz (call $parse (local.get $at) (local.get $length))))
      (local.set $head (call $headOf (global.get $streamStart) (global.get $streamEnd)))
      (global.set $lastRevision (f64.load offset=8 (local.get $head)))
      (global.set $lastIndex (f64.load offset=16 (local.get $head)))
      (local.set $answer (global.get $AHEAD))
      (br_if $answered (f64.gt (global.get $revision) (f64.add (global.get $lastRevision) (f64.const 1))))
      (local.set $answer (global.get $REPEATED))
      (br_if $answered (f64.le (global.get $revision) (global.get $lastRevision)))
      (local.set $answer (global.get $UNCHAINED))
      (br_if $answered (i32.eqz (call $spells (global.get $prevStart) (i32.add (local.get $head) (i32.const 32)))))
      (f64.store offset=8 (local.get $head) (global.get $revision))
      (f64.store offset=16 (local.get $head) (local.get $index))
      (memory.copy (i32.add (local.get $head) (i32.const 32)) (global.get $EVENT_HASH) (i32.const 32))
      (local.set $answer (global.get $EXTENDED)))
    (i32.add (local.get $answer) (i32.mul (global.get $grew) (global.get $GREW))))
)
