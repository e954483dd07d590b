DROP TABLE sign_in_backoffs;
