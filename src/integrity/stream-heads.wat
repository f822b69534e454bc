;; Stream heads for the offline verifier, in WebAssembly text (compiled at load by `stream-heads.ts`).
;;
;; Per stream id: the stream's last revision, the export index of that event and its event hash, so that each
;; event's place in its stream's hash chain is checked as it is read. Every event of an export passes here once,
;; and in JavaScript these byte loops cost as much as the event's hashing; here they cost a fifth of it.
;;
;; One linear memory holds, from the bottom up:
;;   [0, 256)     the envelope keys the chain check reads (data segment below);
;;   [256, 320)   the current event's hash in hex, written by the caller before `extend`;
;;   then regions allocated from `$top`: the input (a line's canonical bytes, decoded there by the caller), the
;;   table of heads, and the arena of stream ids. A region that must grow is allocated anew at the top (the table
;;   rehashed, the arena copied); what it leaves behind is not reused, which at most doubles the memory.
;;
;; The table: open addressing with linear probing, at most half full, `$capacity` (a power of two) records of
;; 96 bytes:
;;   +0  i32  fingerprint (MurmurHash3 of the id's bytes, seeded)
;;   +4  i32  the id's length + 1; 0 marks a free slot
;;   +8  f64  last revision, -1 before the first event
;;   +16 f64  export index of the last event, -1 before the first
;;   +24 i32  where the id's bytes start in the arena
;;   +32 64 bytes: the last event hash in lower-case hex (64 zeros before the first event, as its prevEventHash must
;;       be), so that an event's prevEventHash is compared as it is written, eight bytes at a time
;; Stream ids are compared as the bytes of their canonical JSON string, escapes included: one-to-one with the id.
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
  (global $HEAP i32 (i32.const 1024))
  (global $RECORD i32 (i32.const 96))
  (global $FIRST_CAPACITY i32 (i32.const 4096))

  (global $top (mut i32) (i32.const 1024))
  (global $seed (mut i32) (i32.const 0))
  (global $input (mut i32) (i32.const 0))
  (global $inputCapacity (mut i32) (i32.const 0))
  (global $table (mut i32) (i32.const 0))
  (global $capacity (mut i32) (i32.const 0))
  (global $count (mut i32) (i32.const 0))
  (global $ids (mut i32) (i32.const 0))
  (global $idsCapacity (mut i32) (i32.const 0))
  (global $idsLength (mut i32) (i32.const 0))
  ;; Set each time the memory grows; `extend` and `input` report it, so the caller renews its views.
  (global $grew (mut i32) (i32.const 0))

  ;; The envelope last parsed (`parse`), addresses absolute.
  (global $streamStart (mut i32) (i32.const 0))
  (global $streamEnd (mut i32) (i32.const 0))
  (global $revision (mut f64) (f64.const 0))
  (global $prevStart (mut i32) (i32.const 0))
  ;; The head `extend` found, before it moved it.
  (global $slot (mut i32) (i32.const 0))
  (global $lastRevision (mut f64) (f64.const 0))
  (global $lastIndex (mut f64) (f64.const 0))

  ;; What `extend` answers; GREW is added when the memory grew.
  (global $EXTENDED i32 (i32.const 0))
  (global $NOT_AN_ENVELOPE i32 (i32.const 1))
  (global $AHEAD i32 (i32.const 2))       ;; the revision skips some: an event of the stream is missing here
  (global $REPEATED i32 (i32.const 3))    ;; the revision was seen already
  (global $UNCHAINED i32 (i32.const 4))   ;; prevEventHash is not the stream's last event hash
  (global $GREW i32 (i32.const 16))

  (func (export "init") (param $seed i32)
    (global.set $seed (local.get $seed))
    (global.set $inputCapacity (i32.const 65536))
    (global.set $input (call $allocate (global.get $inputCapacity)))
    (global.set $capacity (global.get $FIRST_CAPACITY))
    (global.set $table (call $allocate (i32.mul (global.get $capacity) (global.get $RECORD))))
    (global.set $idsCapacity (i32.const 65536))
    (global.set $ids (call $allocate (global.get $idsCapacity)))
    (global.set $grew (i32.const 0)))

  ;; `bytes` of fresh (zeroed) memory at the top, 64-byte aligned.
  (func $allocate (param $bytes i32) (result i32)
    (local $at i32) (local $end i32) (local $pages i32)
    (local.set $at (i32.and (i32.add (global.get $top) (i32.const 63)) (i32.const -64)))
    (local.set $end (i32.add (local.get $at) (local.get $bytes)))
    (if (i32.lt_u (local.get $end) (local.get $at)) (then unreachable)) ;; beyond 4 GiB
    (local.set $pages (i32.sub (i32.shr_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 16)) (memory.size)))
    (if (i32.gt_s (local.get $pages) (i32.const 0))
      (then
        (if (i32.eq (memory.grow (local.get $pages)) (i32.const -1)) (then unreachable))
        (global.set $grew (i32.const 1))))
    (global.set $top (local.get $end))
    (local.get $at))

  (func (export "eventHashAt") (result i32) (global.get $EVENT_HASH))

  ;; Where the caller decodes a line of `length` bytes; GREW added when the memory grew, so the address is
  ;; read with `inputAt`.
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
        (br_if $words (i32.gt_s (i32.add (local.get $a) (i32.const 8)) (local.get $end)))
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

  ;; Where the JSON string whose closing quote is at `close` opens (the first quote before it not escaped), or -1;
  ;; it is searched for no further back than `start`.
  (func $openingQuote (param $start i32) (param $close i32) (result i32)
    (local $at i32) (local $backslashes i32)
    (local.set $at (local.get $close))
    (loop $back
      (local.set $at (i32.sub (local.get $at) (i32.const 1)))
      (if (i32.lt_s (local.get $at) (local.get $start)) (then (return (i32.const -1))))
      (br_if $back (i32.ne (i32.load8_u (local.get $at)) (i32.const 0x22)))
      (local.set $backslashes (i32.const 0))
      (block $counted
        (loop $count
          (br_if $counted (i32.lt_s (i32.sub (i32.sub (local.get $at) (i32.const 1)) (local.get $backslashes)) (local.get $start)))
          (br_if $counted (i32.ne
            (i32.load8_u (i32.sub (i32.sub (local.get $at) (i32.const 1)) (local.get $backslashes)))
            (i32.const 0x5c)))
          (local.set $backslashes (i32.add (local.get $backslashes) (i32.const 1)))
          (br $count)))
      (br_if $back (i32.and (local.get $backslashes) (i32.const 1))))
    (local.get $at))

  ;; Where the member `,"key":value` that ends just before `end` starts, or -1 (also when `end` is -1, so calls
  ;; chain); nothing before `start` is read. Values are strings or unsigned integers.
  (func $member (param $start i32) (param $end i32) (param $key i32) (param $keyLength i32) (param $isString i32) (result i32)
    (local $value i32) (local $keyStart i32)
    (if (i32.lt_s (local.get $end) (i32.const 0)) (then (return (i32.const -1))))
    (if (local.get $isString)
      (then
        (if (i32.le_s (local.get $end) (local.get $start)) (then (return (i32.const -1))))
        (if (i32.ne (i32.load8_u (i32.sub (local.get $end) (i32.const 1))) (i32.const 0x22)) (then (return (i32.const -1))))
        (local.set $value (call $openingQuote (local.get $start) (i32.sub (local.get $end) (i32.const 1))))
        (if (i32.lt_s (local.get $value) (i32.const 0)) (then (return (i32.const -1)))))
      (else
        (local.set $value (local.get $end))
        (block $digits
          (loop $back
            (br_if $digits (i32.le_s (local.get $value) (local.get $start)))
            (br_if $digits (i32.gt_u
              (i32.sub (i32.load8_u (i32.sub (local.get $value) (i32.const 1))) (i32.const 0x30))
              (i32.const 9)))
            (local.set $value (i32.sub (local.get $value) (i32.const 1)))
            (br $back)))
        (if (i32.eq (local.get $value) (local.get $end)) (then (return (i32.const -1))))))
    (local.set $keyStart (i32.sub (local.get $value) (local.get $keyLength)))
    (if (i32.lt_s (local.get $keyStart) (local.get $start)) (then (return (i32.const -1))))
    (if (call $equal (local.get $keyStart) (local.get $key) (local.get $keyLength))
      (then (return (local.get $keyStart))))
    (i32.const -1))

  ;; Reads the envelope at [at, at + length) backwards, from its last member to prevEventHash: 1 if they are the
  ;; expected ones (then see streamStart, streamEnd, revision), else 0. prevEventHash is taken at its length, 64
  ;; characters, without looking for its opening quote: the chain check accepts only hex digits there, so no quote
  ;; can hide among them.
  (func $parse (export "parse") (param $at i32) (param $length i32) (result i32)
    (local $close i32) (local $type i32) (local $revision i32) (local $stream i32) (local $schemaVersion i32)
    (local $recordedAt i32) (local $prevEnd i32) (local $prev i32) (local $digit i32) (local $number f64)
    (local.set $close (i32.sub (i32.add (local.get $at) (local.get $length)) (i32.const 1)))
    (if (i32.lt_s (local.get $length) (i32.const 2)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load8_u (local.get $close)) (i32.const 0x7d)) (then (return (i32.const 0))))
    (local.set $type (call $member (local.get $at) (local.get $close) (i32.const 0) (i32.const 8) (i32.const 1)))
    (local.set $revision (call $member (local.get $at) (local.get $type) (i32.const 16) (i32.const 18) (i32.const 0)))
    (local.set $stream (call $member (local.get $at) (local.get $revision) (i32.const 48) (i32.const 12) (i32.const 1)))
    (local.set $schemaVersion (call $member (local.get $at) (local.get $stream) (i32.const 64) (i32.const 17) (i32.const 0)))
    (local.set $recordedAt (call $member (local.get $at) (local.get $schemaVersion) (i32.const 96) (i32.const 14) (i32.const 1)))
    (if (i32.lt_s (local.get $recordedAt) (i32.const 0)) (then (return (i32.const 0))))
    (local.set $prevEnd (i32.sub (local.get $recordedAt) (i32.const 1)))
    (global.set $prevStart (i32.sub (local.get $prevEnd) (i32.const 64)))
    (local.set $prev (i32.sub (i32.sub (global.get $prevStart) (i32.const 1)) (i32.const 17)))
    (if (i32.lt_s (local.get $prev) (local.get $at)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load8_u (local.get $prevEnd)) (i32.const 0x22)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load8_u (i32.sub (global.get $prevStart) (i32.const 1))) (i32.const 0x22)) (then (return (i32.const 0))))
    (if (i32.eqz (call $equal (local.get $prev) (i32.const 128) (i32.const 17))) (then (return (i32.const 0))))
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
    (global.set $streamStart (i32.add (i32.add (local.get $stream) (i32.const 12)) (i32.const 1)))
    (global.set $streamEnd (i32.sub (local.get $revision) (i32.const 1)))
    (i32.const 1))

;; MurmurHash3 (x86, 32 bits) of [start, end), seeded: four bytes a step, where FNV-1a took one.
  (func $fingerprint (param $start i32) (param $end i32) (result i32)
    (local $hash i32) (local $at i32) (local $word i32)
    (local.set $hash (global.get $seed))
    (local.set $at (local.get $start))
    (block $words
      (loop $next
        (br_if $words (i32.gt_s (i32.add (local.get $at) (i32.const 4)) (local.get $end)))
        (local.set $hash (i32.xor (local.get $hash) (call $scramble (i32.load (local.get $at)))))
        (local.set $hash (i32.add
          (i32.mul (i32.rotl (local.get $hash) (i32.const 13)) (i32.const 5))
          (i32.const 0xe6546b64)))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $next)))
    ;; The last one to three bytes, little-endian.
    (local.set $word (i32.const 0))
    (block $tail
      (loop $next
        (br_if $tail (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $word (i32.or
          (local.get $word)
          (i32.shl (i32.load8_u (local.get $at)) (i32.shl (i32.and (i32.sub (local.get $at) (local.get $start)) (i32.const 3)) (i32.const 3)))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $next)))
    (local.set $hash (i32.xor (local.get $hash) (call $scramble (local.get $word))))
    (local.set $hash (i32.xor (local.get $hash) (i32.sub (local.get $end) (local.get $start))))
    (local.set $hash (i32.mul (i32.xor (local.get $hash) (i32.shr_u (local.get $hash) (i32.const 16))) (i32.const 0x85ebca6b)))
    (local.set $hash (i32.mul (i32.xor (local.get $hash) (i32.shr_u (local.get $hash) (i32.const 13))) (i32.const 0xc2b2ae35)))
    (i32.xor (local.get $hash) (i32.shr_u (local.get $hash) (i32.const 16))))

  (func $scramble (param $word i32) (result i32)
    (i32.mul (i32.rotl (i32.mul (local.get $word) (i32.const 0xcc9e2d51)) (i32.const 15)) (i32.const 0x1b873593)))

  ;; The slot of the stream whose id is [start, end); an unseen stream gets one, with no events yet.
  (func $slotOf (param $start i32) (param $end i32) (result i32)
    (local $fingerprint i32) (local $length i32) (local $slot i32) (local $record i32) (local $mask i32)
    (local.set $fingerprint (call $fingerprint (local.get $start) (local.get $end)))
    (local.set $length (i32.sub (local.get $end) (local.get $start)))
    (local.set $mask (i32.sub (global.get $capacity) (i32.const 1)))
    (local.set $slot (i32.and (local.get $fingerprint) (local.get $mask)))
    (loop $probe
      (local.set $record (i32.add (global.get $table) (i32.mul (local.get $slot) (global.get $RECORD))))
      (if (i32.eqz (i32.load offset=4 (local.get $record)))
        (then (return (call $add (local.get $slot) (local.get $fingerprint) (local.get $start) (local.get $length)))))
      ;; The id's bytes are read only for a record whose fingerprint and length match.
      (if (i32.and
            (i32.eq (i32.load offset=4 (local.get $record)) (i32.add (local.get $length) (i32.const 1)))
            (i32.eq (i32.load (local.get $record)) (local.get $fingerprint)))
        (then
          (if (call $equal
                (local.get $start)
                (i32.add (global.get $ids) (i32.load offset=24 (local.get $record)))
                (local.get $length))
            (then (return (local.get $slot))))))
      (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (local.get $mask)))
      (br $probe))
    unreachable)

  (func $add (param $slot i32) (param $fingerprint i32) (param $start i32) (param $length i32) (result i32)
    (local $ids i32) (local $record i32)
    (if (i32.gt_u (i32.add (global.get $idsLength) (local.get $length)) (global.get $idsCapacity))
      (then
        (global.set $idsCapacity (i32.shl (i32.add (global.get $idsCapacity) (local.get $length)) (i32.const 1)))
        (local.set $ids (call $allocate (global.get $idsCapacity)))
        (memory.copy (local.get $ids) (global.get $ids) (global.get $idsLength))
        (global.set $ids (local.get $ids))))
    ;; The id's bytes are copied before anything else may move them: they lie in the input, which stays put.
    (memory.copy (i32.add (global.get $ids) (global.get $idsLength)) (local.get $start) (local.get $length))
    (local.set $record (i32.add (global.get $table) (i32.mul (local.get $slot) (global.get $RECORD))))
    (i32.store (local.get $record) (local.get $fingerprint))
    (i32.store offset=4 (local.get $record) (i32.add (local.get $length) (i32.const 1)))
    (f64.store offset=8 (local.get $record) (f64.const -1))
    (f64.store offset=16 (local.get $record) (f64.const -1))
    (i32.store offset=24 (local.get $record) (global.get $idsLength))
    (memory.fill (i32.add (local.get $record) (i32.const 32)) (i32.const 0x30) (i32.const 64))
    (global.set $idsLength (i32.add (global.get $idsLength) (local.get $length)))
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (if (i32.gt_u (i32.shl (global.get $count) (i32.const 1)) (global.get $capacity))
      (then (return (call $grow (local.get $slot)))))
    (local.get $slot))

  ;; Doubles the table; returns where the record at `slot` went.
  (func $grow (param $slot i32) (result i32)
    (local $old i32) (local $oldCapacity i32) (local $from i32) (local $to i32) (local $mask i32) (local $moved i32)
    (local $record i32)
    (local.set $old (global.get $table))
    (local.set $oldCapacity (global.get $capacity))
    (global.set $capacity (i32.shl (local.get $oldCapacity) (i32.const 1)))
    (global.set $table (call $allocate (i32.mul (global.get $capacity) (global.get $RECORD))))
    (local.set $mask (i32.sub (global.get $capacity) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $from) (local.get $oldCapacity)))
        (local.set $record (i32.add (local.get $old) (i32.mul (local.get $from) (global.get $RECORD))))
        (if (i32.load offset=4 (local.get $record))
          (then
            (local.set $to (i32.and (i32.load (local.get $record)) (local.get $mask)))
            (block $free
              (loop $probe
                (br_if $free (i32.eqz (i32.load offset=4
                  (i32.add (global.get $table) (i32.mul (local.get $to) (global.get $RECORD))))))
                (local.set $to (i32.and (i32.add (local.get $to) (i32.const 1)) (local.get $mask)))
                (br $probe)))
            (memory.copy
              (i32.add (global.get $table) (i32.mul (local.get $to) (global.get $RECORD)))
              (local.get $record)
              (global.get $RECORD))
            (if (i32.eq (local.get $from) (local.get $slot)) (then (local.set $moved (local.get $to))))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $next)))
    (local.get $moved))

  ;; Places the event at [at, at + length), export `index`, whose hash (hex) the caller wrote at `eventHashAt`, in
  ;; its stream's chain: EXTENDED and the stream's head moved to it, or why not (the head is not moved).
  (func (export "extend") (param $at i32) (param $length i32) (param $index f64) (result i32)
    (local $record i32)
    (global.set $grew (i32.const 0))
    (if (i32.eqz (call $parse (local.get $at) (local.get $length))) (then (return (global.get $NOT_AN_ENVELOPE))))
    (global.set $slot (call $slotOf (global.get $streamStart) (global.get $streamEnd)))
    (local.set $record (i32.add (global.get $table) (i32.mul (global.get $slot) (global.get $RECORD))))
    (global.set $lastRevision (f64.load offset=8 (local.get $record)))
    (global.set $lastIndex (f64.load offset=16 (local.get $record)))
    (if (f64.gt (global.get $revision) (f64.add (global.get $lastRevision) (f64.const 1)))
      (then (return (i32.add (global.get $AHEAD) (i32.mul (global.get $grew) (global.get $GREW))))))
    (if (f64.le (global.get $revision) (global.get $lastRevision))
      (then (return (i32.add (global.get $REPEATED) (i32.mul (global.get $grew) (global.get $GREW))))))
    (if (i32.eqz (call $equal (global.get $prevStart) (i32.add (local.get $record) (i32.const 32)) (i32.const 64)))
      (then (return (i32.add (global.get $UNCHAINED) (i32.mul (global.get $grew) (global.get $GREW))))))
    (f64.store offset=8 (local.get $record) (global.get $revision))
    (f64.store offset=16 (local.get $record) (local.get $index))
    (memory.copy (i32.add (local.get $record) (i32.const 32)) (global.get $EVENT_HASH) (i32.const 64))
    (i32.add (global.get $EXTENDED) (i32.mul (global.get $grew) (global.get $GREW))))
)
