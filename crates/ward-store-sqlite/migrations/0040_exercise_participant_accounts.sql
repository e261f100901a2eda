-- Exercise participants as accounts (issue 10): a participant may be an account of an organisation
-- taking part (user_id), who then reads the exercise; guests keep only a name (user_id NULL).
ALTER TABLE exercise_participants ADD COLUMN user_id TEXT REFERENCES users (id);
CREATE INDEX exercise_participants_user ON exercise_participants (user_id);
