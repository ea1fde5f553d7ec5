-- CreateTable
CREATE TABLE "Event" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "organiser" TEXT NOT NULL,
    "description" TEXT,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "timezone" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "rsvpDeadline" DATETIME NOT NULL,
    "capacity" INTEGER,
    "language" TEXT NOT NULL DEFAULT 'nl',
    "coordinators" JSONB NOT NULL,
    "reminders" JSONB,
    "icalUid" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'scheduled',
    "cancelledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Organisation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "domain" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Invitee" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "eventId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "organisationId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'not_invited',
    "origin" TEXT NOT NULL DEFAULT 'import',
    "partySize" INTEGER,
    "attendees" JSONB,
    "respondedAt" DATETIME,
    "late" BOOLEAN NOT NULL DEFAULT false,
    "waitlistedAt" DATETIME,
    "invitedAt" DATETIME,
    "bouncedAt" DATETIME,
    "bounceReason" TEXT,
    "token" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Invitee_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Invitee_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Rsvp" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "eventId" TEXT NOT NULL,
    "inviteeId" TEXT NOT NULL,
    "fromStatus" TEXT NOT NULL,
    "toStatus" TEXT NOT NULL,
    "partySize" INTEGER,
    "attendees" JSONB,
    "statedAt" DATETIME NOT NULL,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "late" BOOLEAN NOT NULL DEFAULT false,
    "source" TEXT NOT NULL,
    "reasons" JSONB,
    "messageId" TEXT,
    CONSTRAINT "Rsvp_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Rsvp_inviteeId_fkey" FOREIGN KEY ("inviteeId") REFERENCES "Invitee" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Rsvp_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "InboundMessage" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "InboundMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "messageId" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "mailbox" TEXT NOT NULL,
    "uidValidity" BIGINT,
    "uid" BIGINT,
    "maildirKey" TEXT,
    "raw" BLOB NOT NULL,
    "size" INTEGER NOT NULL,
    "fromAddress" TEXT,
    "fromName" TEXT,
    "subject" TEXT,
    "date" DATETIME,
    "inReplyTo" TEXT,
    "references" JSONB,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "state" TEXT NOT NULL DEFAULT 'received',
    "claimedBy" TEXT,
    "claimedAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "processedAt" DATETIME,
    "kind" TEXT,
    "intent" TEXT,
    "partySize" INTEGER,
    "attendees" JSONB,
    "replyText" TEXT,
    "confidence" REAL,
    "reasons" JSONB,
    "outcome" TEXT,
    "error" TEXT,
    "eventId" TEXT,
    "inviteeId" TEXT,
    CONSTRAINT "InboundMessage_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "InboundMessage_inviteeId_fkey" FOREIGN KEY ("inviteeId") REFERENCES "Invitee" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MailboxState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "uidValidity" BIGINT,
    "lastUid" BIGINT NOT NULL DEFAULT 0,
    "lastPollAt" DATETIME,
    "lastSuccessAt" DATETIME,
    "lastError" TEXT,
    "lastErrorAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OutboundMail" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "eventId" TEXT,
    "inviteeId" TEXT,
    "toAddress" TEXT NOT NULL,
    "toName" TEXT,
    "messageId" TEXT NOT NULL,
    "inReplyTo" TEXT,
    "references" JSONB,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "ics" TEXT,
    "icsMethod" TEXT,
    "headers" JSONB,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "claimedBy" TEXT,
    "claimedAt" DATETIME,
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OutboundMail_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "OutboundMail_inviteeId_fkey" FOREIGN KEY ("inviteeId") REFERENCES "Invitee" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReviewItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "eventId" TEXT,
    "messageId" TEXT,
    "inviteeId" TEXT,
    "reason" TEXT NOT NULL,
    "detail" TEXT,
    "state" TEXT NOT NULL DEFAULT 'open',
    "resolution" TEXT,
    "resolvedAt" DATETIME,
    "resolvedBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ReviewItem_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ReviewItem_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "InboundMessage" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ReviewItem_inviteeId_fkey" FOREIGN KEY ("inviteeId") REFERENCES "Invitee" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Suppression" (
    "email" TEXT NOT NULL PRIMARY KEY,
    "reason" TEXT NOT NULL,
    "detail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ScheduledRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "schedule" TEXT NOT NULL,
    "fireAt" DATETIME NOT NULL,
    "worker" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "summary" JSONB,
    "error" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "Event_slug_key" ON "Event"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Event_icalUid_key" ON "Event"("icalUid");

-- CreateIndex
CREATE UNIQUE INDEX "Organisation_name_key" ON "Organisation"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Invitee_token_key" ON "Invitee"("token");

-- CreateIndex
CREATE INDEX "Invitee_email_idx" ON "Invitee"("email");

-- CreateIndex
CREATE INDEX "Invitee_eventId_status_idx" ON "Invitee"("eventId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Invitee_eventId_email_key" ON "Invitee"("eventId", "email");

-- CreateIndex
CREATE INDEX "Rsvp_eventId_recordedAt_idx" ON "Rsvp"("eventId", "recordedAt");

-- CreateIndex
CREATE INDEX "Rsvp_inviteeId_statedAt_idx" ON "Rsvp"("inviteeId", "statedAt");

-- CreateIndex
CREATE UNIQUE INDEX "InboundMessage_messageId_key" ON "InboundMessage"("messageId");

-- CreateIndex
CREATE INDEX "InboundMessage_state_receivedAt_idx" ON "InboundMessage"("state", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "InboundMessage_mailbox_uidValidity_uid_key" ON "InboundMessage"("mailbox", "uidValidity", "uid");

-- CreateIndex
CREATE UNIQUE INDEX "OutboundMail_dedupeKey_key" ON "OutboundMail"("dedupeKey");

-- CreateIndex
CREATE UNIQUE INDEX "OutboundMail_messageId_key" ON "OutboundMail"("messageId");

-- CreateIndex
CREATE INDEX "OutboundMail_state_nextAttemptAt_idx" ON "OutboundMail"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboundMail_toAddress_createdAt_idx" ON "OutboundMail"("toAddress", "createdAt");

-- CreateIndex
CREATE INDEX "ReviewItem_state_createdAt_idx" ON "ReviewItem"("state", "createdAt");

-- CreateIndex
CREATE INDEX "ScheduledRun_schedule_startedAt_idx" ON "ScheduledRun"("schedule", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScheduledRun_schedule_fireAt_key" ON "ScheduledRun"("schedule", "fireAt");
