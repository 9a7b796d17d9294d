DROP TABLE login_throttled;
